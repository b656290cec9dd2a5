#include "health/plugins_health_check.hpp"

#include "host.hpp"

namespace spackext::core {

std::string PluginsHealthCheck::title() const { return "Plugins load (what plugin doctor reports)"; }

std::vector<HealthResult> PluginsHealthCheck::run(const HealthRequest&) {
  host_.loader().load_all();
  std::vector<HealthResult> results;
  std::size_t loaded = 0;
  for (const auto& r : host_.catalog().records()) {
    if (r.state == PluginState::loaded) {
      ++loaded;
      continue;
    }
    HealthResult res;
    res.item = r.name();
    res.value = std::string(to_string(r.state)) + ": " + r.reason;
    res.data = {{"path", r.path.string()}, {"origin", r.origin}, {"state", to_string(r.state)}, {"reason", r.reason}};
    if (r.state == PluginState::shadowed) {
      // Another copy of the same plugin is used; harmless but usually a leftover.
      res.status = HealthStatus::warn;
      res.advice = "remove " + r.path.string() + " if that copy is a leftover";
    } else {
      res.status = HealthStatus::fail;
      res.advice = "run 'spack-ext plugin doctor' for details; fix or remove " + r.path.string();
    }
    results.push_back(std::move(res));
  }
  if (results.empty()) {
    HealthResult ok;
    ok.item = "plugins";
    ok.value = std::to_string(loaded) + " plugin(s) found, all load";
    ok.data = {{"loaded", loaded}};
    results.push_back(std::move(ok));
  }
  return results;
}

}  // namespace spackext::core
