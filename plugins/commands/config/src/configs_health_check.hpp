// `configs` health check (registered by the config plugin, which owns the
// Spack schemas): spack-ext's own configuration scopes, and a Spack scope
// (the one given with --spack-scope, else the user scope ~/.spack when it
// exists) checked against Spack 1.1's rules, each problem with file:line.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include <spackext/config.hpp>
#include <spackext/services/health.hpp>

namespace spackext::config {

class ScopeValidator;

class ConfigsHealthCheck final : public HealthCheck {
 public:
  // `sources`: the files spack-ext's configuration was merged from.
  explicit ConfigsHealthCheck(const Config& config) : sources_(config.sources()) {}
  ~ConfigsHealthCheck() override;
  std::string title() const override { return "Configuration files valid (spack-ext's scopes, a Spack scope)"; }
  std::vector<HealthResult> run(const HealthRequest& request) override;

 private:
  std::vector<std::string> sources_;
};

// The results for one Spack scope folder (exposed for tests).
std::vector<HealthResult> check_spack_scope(const std::filesystem::path& scope, const ScopeValidator& validator);

}  // namespace spackext::config
