// The `config` plugin: registers the `config` command.
#include <memory>

#include "config_command.hpp"
#include "spackext/plugin.hpp"
#include "spackext/services/command.hpp"

namespace {

class ConfigPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Command>("config",
                                           std::make_shared<spackext::config::ConfigCommand>(host));
  }
};

}  // namespace

SPACKEXT_PLUGIN(ConfigPlugin)
