#include "check_runner.hpp"

#include <algorithm>
#include <future>

namespace spackext::health {

namespace {

CheckOutcome run_one(const NamedCheck& c, const HealthRequest& request) {
  CheckOutcome o{c.name, c.plugin, {}, HealthStatus::ok, {}};
  try {
    o.title = c.check->title();
    if (c.check->needs_network() && !request.network) {
      o.results.push_back({c.name, HealthStatus::skipped, "not checked (--offline)", "", nlohmann::json::object()});
    } else {
      o.results = c.check->run(request);
      if (o.results.empty())
        o.results.push_back({c.name, HealthStatus::fail, "the check returned no result",
                             "report this to the plugin's vendor (" + c.plugin + ")", nlohmann::json::object()});
    }
  } catch (const std::exception& e) {
    o.results = {{c.name, HealthStatus::fail, std::string("the check failed: ") + e.what(),
                  "fix what the message names, or report it to the plugin's vendor (" + c.plugin + ")",
                  nlohmann::json::object()}};
  }
  for (const auto& r : o.results) o.status = std::max(o.status, r.status);
  return o;
}

}  // namespace

HealthStatus HealthSummary::worst() const {
  HealthStatus w = HealthStatus::ok;
  for (const auto& c : checks) w = std::max(w, c.status);
  return w;
}

int HealthSummary::exit_code(bool strict) const {
  const auto w = worst();
  return w == HealthStatus::fail || (strict && w == HealthStatus::warn) ? 1 : 0;
}

std::size_t HealthSummary::count(HealthStatus s) const {
  std::size_t n = 0;
  for (const auto& c : checks)
    for (const auto& r : c.results) n += r.status == s;
  return n;
}

HealthSummary run_checks(const std::vector<NamedCheck>& checks, const HealthRequest& request) {
  // Checks mostly wait on processes and file systems: one thread each.
  std::vector<std::future<CheckOutcome>> running;
  running.reserve(checks.size());
  for (const auto& c : checks) running.push_back(std::async(std::launch::async, run_one, std::cref(c), std::cref(request)));
  HealthSummary s;
  for (auto& f : running) s.checks.push_back(f.get());
  return s;
}

}  // namespace spackext::health
