// ci: registers the `ci` command.
#include "ci_command.hpp"
#include "spackext/plugin.hpp"

namespace {

class CiPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Command>("ci", std::make_shared<spackext::ci::CiCommand>(host));
  }
};

}  // namespace

SPACKEXT_PLUGIN(CiPlugin)
