// The `site` plugin: registers the on-prem HPC site provider.
#include <memory>

#include "site_provider.hpp"
#include "spackext/plugin.hpp"

namespace {

class SitePlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Provider>("site", std::make_shared<spackext::site::SiteProvider>(),
                                            {.priority = 0, .aliases = {"onprem"}});
  }
};

}  // namespace

SPACKEXT_PLUGIN(SitePlugin)
