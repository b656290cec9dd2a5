// The `optimize` command plugin: CPU detection, compiler flag advice and a
// packages.yaml with the target preference. The work is done by whatever
// optimizer services are installed (family plugins, vendor plugins), asked
// through the registry highest priority first.
#include <memory>

#include <spackext/spackext.hpp>

#include "src/optimize_command.hpp"

namespace {

class OptimizePlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    auto* h = &host;
    host.registry().add<spackext::Command>(
        "optimize", std::make_shared<spackext::optimize::OptimizeCommand>(
                        [h] { return h->registry().all<spackext::Optimizer>(); }));
  }
};

}  // namespace

SPACKEXT_PLUGIN(OptimizePlugin)
