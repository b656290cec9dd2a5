// `compilers` health check (registered by the config plugin, which owns
// compiler discovery): compilers on PATH found and answering their version
// query, which is what `spack compiler find` relies on.
#pragma once

#include <memory>

#include <spackext/services/health.hpp>

#include "probe_cache.hpp"

namespace spackext::config {

class CompilersHealthCheck final : public HealthCheck {
 public:
  explicit CompilersHealthCheck(std::shared_ptr<ProbeCache> cache) : cache_(std::move(cache)) {}
  std::string title() const override { return "Compilers found and runnable"; }
  std::vector<HealthResult> run(const HealthRequest& request) override;

 private:
  std::shared_ptr<ProbeCache> cache_;
};

}  // namespace spackext::config
