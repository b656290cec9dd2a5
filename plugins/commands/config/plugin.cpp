// The `config` plugin: registers the `config` command.
#include <memory>

#include "compilers_health_check.hpp"
#include "config_command.hpp"
#include "configs_health_check.hpp"
#include "tools_health_check.hpp"
#include "spackext/plugin.hpp"
#include "spackext/services/command.hpp"
#include "spackext/services/health.hpp"

namespace {

class ConfigPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Command>("config",
                                           std::make_shared<spackext::config::ConfigCommand>(host));
    // Health checks for what this plugin knows how to find and validate. They
    // run every version query afresh (a ProbeCache without a file): a check
    // answered from remembered output would not notice a tool that broke.
    auto probes = std::make_shared<spackext::config::ProbeCache>();
    auto& registry = host.registry();
    registry.add<spackext::HealthCheck>("compilers", std::make_shared<spackext::config::CompilersHealthCheck>(probes));
    registry.add<spackext::HealthCheck>("tools", std::make_shared<spackext::config::ToolsHealthCheck>(probes));
    registry.add<spackext::HealthCheck>("configs",
                                        std::make_shared<spackext::config::ConfigsHealthCheck>(host.config()));
  }
};

}  // namespace

SPACKEXT_PLUGIN(ConfigPlugin)
