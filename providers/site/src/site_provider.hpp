// The on-prem site provider: no instance catalog, but the facts a site
// config needs (Slurm, shared filesystems, module system). Ranked below the
// cloud providers: a cloud VM running Slurm is still that cloud's instance.
#pragma once

#include "site_facts.hpp"
#include "spackext/services/provider.hpp"

namespace spackext::site {

class SiteProvider final : public Provider {
 public:
  explicit SiteProvider(SiteProbe probe = {});
  ProviderDetection detect() override;
  nlohmann::json instance_catalog() const override;
  // {"provider": "site", "slurm": {...}|null, "filesystems": [...], "module_system": {...}|null}
  nlohmann::json site_context(const nlohmann::json& request) override;
  std::vector<std::string> regions() const override { return {}; }

 private:
  SiteProbe probe_;
};

}  // namespace spackext::site
