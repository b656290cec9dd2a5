// What the host hands to a plugin's register function and to its services.
#pragma once

#include <memory>
#include <string>

#include "spackext/bus.hpp"
#include "spackext/config.hpp"
#include "spackext/output.hpp"
#include "spackext/paths.hpp"
#include "spackext/registry.hpp"

namespace spdlog {
class logger;
}

namespace spackext {

class HostContext {
 public:
  virtual ~HostContext() = default;
  virtual Registry& registry() = 0;
  virtual Bus& bus() = 0;
  // A logger named after the plugin; obeys -v/-q; writes to stderr.
  virtual std::shared_ptr<spdlog::logger> logger() = 0;
  virtual const Config& config() const = 0;
  virtual const Paths& paths() const = 0;
  virtual const OutputOptions& output() const = 0;
  // The name of the plugin being registered ("host" outside registration).
  virtual const std::string& plugin_name() const = 0;
};

}  // namespace spackext
