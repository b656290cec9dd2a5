// deploy: registers the `deploy` command and the `deploy` planner (the plan
// `ci generate` renders).
#include "deploy_command.hpp"
#include "deploy_planner.hpp"
#include "spackext/plugin.hpp"

namespace {

class DeployPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Command>("deploy", std::make_shared<spackext::deploy::DeployCommand>(host));
    host.registry().add<spackext::Planner>("deploy", std::make_shared<spackext::deploy::DeployPlanner>());
  }
};

}  // namespace

SPACKEXT_PLUGIN(DeployPlugin)
