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
  // A skipped item (no Spack, so no install path) does not hide what was
  // checked: the check is skipped only if everything in it was.
  bool all_skipped = true;
  for (const auto& r : o.results) {
    all_skipped = all_skipped && r.status == HealthStatus::skipped;
    if (r.status != HealthStatus::skipped) o.status = std::max(o.status, r.status);
  }
  if (all_skipped) o.status = HealthStatus::skipped;
  return o;
}

}  // namespace

HealthStatus HealthSummary::worst() const {
  HealthStatus w = HealthStatus::ok;
  bool all_skipped = !checks.empty();
  for (const auto& c : checks) {
    all_skipped = all_skipped && c.status == HealthStatus::skipped;
    if (c.status != HealthStatus::skipped) w = std::max(w, c.status);
  }
  return all_skipped ? HealthStatus::skipped : w;
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
