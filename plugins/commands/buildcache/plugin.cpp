// The buildcache command plugin: registers BuildcacheCommand, the `mirrors` health check and
// the `buildcache` reader other plugins fetch verified packages through.
#include <spackext/plugin.hpp>

#include "buildcache/command.hpp"
#include "buildcache/mirrors_health_check.hpp"
#include "buildcache/package_reader.hpp"

namespace {

class BuildcachePlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    auto command = std::make_shared<spackext::buildcache::BuildcacheCommand>(host);
    host.registry().add<spackext::HealthCheck>(
        "mirrors", std::make_shared<spackext::buildcache::MirrorsHealthCheck>(host.registry(), command->mirrors_file()));
    host.registry().add<spackext::BuildcacheReader>(
        "spack", std::make_shared<spackext::buildcache::PackageReader>(
                     host.registry(),
                     [file = command->mirrors_file()] { return spackext::buildcache::MirrorsConfig::load(file); },
                     command->default_keyring()));
    host.registry().add<spackext::Command>("buildcache", std::move(command));
  }
};

}  // namespace

SPACKEXT_PLUGIN(BuildcachePlugin)
