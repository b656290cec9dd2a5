// The buildcache command plugin: registers BuildcacheCommand.
#include <spackext/plugin.hpp>

#include "buildcache/command.hpp"

namespace {

class BuildcachePlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Command>(
        "buildcache", std::make_shared<spackext::buildcache::BuildcacheCommand>(host));
  }
};

}  // namespace

SPACKEXT_PLUGIN(BuildcachePlugin)
