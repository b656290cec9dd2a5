// The `azure` plugin: registers the Azure provider.
#include <memory>

#include "azure_provider.hpp"
#include "spackext/plugin.hpp"

namespace {

class AzurePlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Provider>("azure", std::make_shared<spackext::azure::AzureProvider>());
  }
};

}  // namespace

SPACKEXT_PLUGIN(AzurePlugin)
