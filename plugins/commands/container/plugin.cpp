// The `container` plugin: container recipes (Dockerfile or Singularity.def
// plus spack.yaml) from spacktainers-style definitions.
#include <spackext/plugin.hpp>

#include "container_command.hpp"

namespace {

class ContainerPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Command>("container",
                                           std::make_shared<spackext::container::ContainerCommand>(host));
  }
};

}  // namespace

SPACKEXT_PLUGIN(ContainerPlugin)
