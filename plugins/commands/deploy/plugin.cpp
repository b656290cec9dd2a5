// deploy: registers the `deploy` command.
#include "deploy_command.hpp"
#include "spackext/plugin.hpp"

namespace {

class DeployPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Command>("deploy", std::make_shared<spackext::deploy::DeployCommand>(host));
  }
};

}  // namespace

SPACKEXT_PLUGIN(DeployPlugin)
