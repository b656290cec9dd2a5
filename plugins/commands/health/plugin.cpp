// The `health` plugin: the `health check` command and the disk, modules and
// spack checks. Other checks come from the plugins that own their subject
// (config: compilers, tools, configs; buildcache: mirrors; the host: plugins)
// and from site plugins, all as `health` services in the registry.
#include <spackext/plugin.hpp>

#include "disk_check.hpp"
#include "health_command.hpp"
#include "modules_check.hpp"
#include "spack_check.hpp"

namespace {

class HealthPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    using namespace spackext::health;
    auto& registry = host.registry();
    registry.add<spackext::Command>("health", std::make_shared<HealthCommand>(host));
    registry.add<spackext::HealthCheck>("disk", std::make_shared<DiskCheck>(host.config()));
    registry.add<spackext::HealthCheck>("modules", std::make_shared<ModulesCheck>());
    registry.add<spackext::HealthCheck>("spack", std::make_shared<SpackCheck>());
  }
};

}  // namespace

SPACKEXT_PLUGIN(HealthPlugin)
