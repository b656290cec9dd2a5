// Runs health checks concurrently and gathers their results in a stable
// order. A check that throws is reported as failed with its message; network
// checks are reported skipped when the request is offline.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <spackext/services/health.hpp>

namespace spackext::health {

struct NamedCheck {
  std::string name;    // the service name: "disk"
  std::string plugin;  // who registered it: "health", "host", a site plugin
  std::shared_ptr<HealthCheck> check;
};

struct CheckOutcome {
  std::string name, plugin, title;
  HealthStatus status = HealthStatus::ok;  // the worst of its results
  std::vector<HealthResult> results;
};

struct HealthSummary {
  std::vector<CheckOutcome> checks;  // in the order given
  HealthStatus worst() const;
  // 1 if any check failed (or, with `strict`, warned); 0 otherwise.
  int exit_code(bool strict) const;
  std::size_t count(HealthStatus s) const;  // results with that status
};

HealthSummary run_checks(const std::vector<NamedCheck>& checks, const HealthRequest& request);

}  // namespace spackext::health
