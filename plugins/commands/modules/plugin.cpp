// The `modules` command plugin. Module systems are the `modules` services
// (modules-lmod, modules-tcl and any third-party writer), found by name.
#include <memory>

#include <spackext/spackext.hpp>

#include "src/modules_command.hpp"

namespace {

class ModulesPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Command>("modules", std::make_shared<spackext::modules::ModulesCommand>(host));
  }
};

}  // namespace

SPACKEXT_PLUGIN(ModulesPlugin)
