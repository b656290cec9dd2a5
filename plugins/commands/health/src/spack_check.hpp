// `spack` health check: Spack itself found, and a version whose formats
// spack-ext reads (0.23 and later).
#pragma once

#include <spackext/services/health.hpp>

namespace spackext::health {

class SpackCheck final : public HealthCheck {
 public:
  std::string title() const override { return "Spack found and its version"; }
  std::vector<HealthResult> run(const HealthRequest& request) override;
};

}  // namespace spackext::health
