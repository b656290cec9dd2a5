// The buildcache command plugin: registers BuildcacheCommand and the `mirrors` health check.
#include <spackext/plugin.hpp>

#include "buildcache/command.hpp"
#include "buildcache/mirrors_health_check.hpp"

namespace {

class BuildcachePlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    auto command = std::make_shared<spackext::buildcache::BuildcacheCommand>(host);
    host.registry().add<spackext::HealthCheck>(
        "mirrors", std::make_shared<spackext::buildcache::MirrorsHealthCheck>(host.registry(), command->mirrors_file()));
    host.registry().add<spackext::Command>("buildcache", std::move(command));
  }
};

}  // namespace

SPACKEXT_PLUGIN(BuildcachePlugin)
