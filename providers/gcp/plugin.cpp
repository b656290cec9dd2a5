// The `gcp` plugin: registers the Google Cloud provider.
#include <memory>

#include "gcp_provider.hpp"
#include "spackext/plugin.hpp"

namespace {

class GcpPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Provider>("gcp", std::make_shared<spackext::gcp::GcpProvider>(),
                                            {.priority = 0, .aliases = {"gce"}});
  }
};

}  // namespace

SPACKEXT_PLUGIN(GcpPlugin)
