// The ppc64le optimizer: the SDK's database-driven optimizer restricted to the
// ppc64le/ppc64 families. Detection rules, the built-in table and flag selection
// all live in the SDK (spackext/microarch/), shared with vendor plugins.
#include <memory>

#include <spackext/microarch/table_optimizer.hpp>
#include <spackext/spackext.hpp>

namespace {

class PowerOptimizerPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Optimizer>(
        "ppc64le", std::make_shared<spackext::microarch::TableOptimizer>(std::vector<std::string>{"ppc64le", "ppc64"}));
  }
};

}  // namespace

SPACKEXT_PLUGIN(PowerOptimizerPlugin)
