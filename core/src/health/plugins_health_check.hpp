// The `plugins` health check, provided by the host itself: only the host
// knows which plugin files it found and why some were refused, so it offers
// `plugin doctor`'s findings to `health check` as a `health` service instead
// of plugins linking the host.
#pragma once

#include <spackext/services/health.hpp>

namespace spackext::core {

class Host;

class PluginsHealthCheck final : public HealthCheck {
 public:
  explicit PluginsHealthCheck(Host& host) : host_(host) {}
  std::string title() const override;
  // Trial-loads every plugin that passed the pre-load checks, as plugin
  // doctor does; one result per plugin that is not loaded (or one ok result).
  std::vector<HealthResult> run(const HealthRequest& request) override;

 private:
  Host& host_;
};

}  // namespace spackext::core
