// `sink` services: react to events on the bus (logs, webhooks, metrics).
// A sink subscribes in start() and stops delivering in stop().
#pragma once

#include <nlohmann/json.hpp>

#include "spackext/bus.hpp"
#include "spackext/service.hpp"

namespace spackext {

class Sink : public Service {
 public:
  static constexpr const char* kKind = "sink";
  virtual void start(Bus& bus, const nlohmann::json& settings) = 0;
  virtual void stop() = 0;
};

}  // namespace spackext
