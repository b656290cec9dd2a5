// The host: owns the registry, the bus, the plugin catalog and loader, the
// configuration and the core subscribers, and tears them down in the order
// the plugin contract promises (bus, then services, then plugin objects;
// libraries are never unloaded).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/event_log.hpp"
#include "events/progress_renderer.hpp"
#include "plugins/catalog.hpp"
#include "plugins/loader.hpp"
#include "plugins/manifest_cache.hpp"
#include "spackext/bus.hpp"
#include "spackext/config.hpp"
#include "spackext/output.hpp"
#include "spackext/paths.hpp"
#include "spackext/registry.hpp"
#include "spackext/services/sink.hpp"

namespace spackext::core {

struct HostOptions {
  OutputOptions output;
  std::vector<std::filesystem::path> plugin_paths;  // --plugin-path, in order
  std::optional<std::filesystem::path> config_file;
  std::optional<std::filesystem::path> events_file;
  bool allow_insecure_plugins = false;
  bool no_plugin_cache = false;
};

class Host {
 public:
  explicit Host(HostOptions options);
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  Registry& registry() { return registry_; }
  Bus& bus() { return bus_; }
  const Config& config() const { return config_; }
  const Paths& paths() const { return paths_; }
  const OutputOptions& output() const { return options_.output; }
  const std::shared_ptr<spdlog::logger>& logger() const { return logger_; }

  // The catalog, scanned on first use (--version never pays for it).
  Catalog& catalog();
  Loader& loader();
  std::vector<SearchRoot> search_roots() const;

  // Starts every sink named under `sinks:` in the configuration with its
  // section (loading the plugin that provides it), before a command runs;
  // stop_sinks() lets them deliver what is pending, each within its own
  // limit. The destructor stops them too, so a failing command still reports.
  void start_sinks();
  void stop_sinks();

 private:
  HostOptions options_;
  Paths paths_;
  std::shared_ptr<spdlog::logger> logger_;
  Config config_;
  Bus bus_;
  Registry registry_;
  std::unique_ptr<ManifestCache> cache_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Loader> loader_;
  std::unique_ptr<EventLog> event_log_;
  std::unique_ptr<ProgressRenderer> progress_;
  std::vector<std::shared_ptr<Sink>> sinks_;
};

// Where things live, from the executable's location and the XDG variables.
Paths resolve_paths();

}  // namespace spackext::core
