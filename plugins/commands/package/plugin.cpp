// package: registers the `package` command.
#include "package_command.hpp"
#include "spackext/plugin.hpp"

namespace {

class PackagePlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Command>("package", std::make_shared<spackext::package::PackageCommand>(host));
  }
};

}  // namespace

SPACKEXT_PLUGIN(PackagePlugin)
