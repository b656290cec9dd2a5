// The `mirrors` health check: `buildcache health` for every configured
// mirror (reachable, credentials accepted, HEAD latency, index readable),
// offered to `health check` through the registry. Read-only: no write probe.
#pragma once

#include <filesystem>

#include <spackext/registry.hpp>
#include <spackext/services/health.hpp>

namespace spackext::buildcache {

class MirrorsHealthCheck final : public HealthCheck {
 public:
  MirrorsHealthCheck(Registry& registry, std::filesystem::path mirrors_file)
      : registry_(registry), mirrors_file_(std::move(mirrors_file)) {}
  std::string title() const override { return "Mirrors reachable, with latency and auth"; }
  bool needs_network() const override { return true; }
  std::vector<HealthResult> run(const HealthRequest& request) override;

 private:
  Registry& registry_;
  std::filesystem::path mirrors_file_;
};

}  // namespace spackext::buildcache
