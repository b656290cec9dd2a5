// The riscv64 optimizer: the SDK's database-driven optimizer restricted to the
// riscv64 family. Detection rules, the built-in table and flag selection
// all live in the SDK (spackext/microarch/), shared with vendor plugins.
#include <memory>

#include <spackext/microarch/table_optimizer.hpp>
#include <spackext/spackext.hpp>

namespace {

class Riscv64OptimizerPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Optimizer>(
        "riscv64", std::make_shared<spackext::microarch::TableOptimizer>(std::vector<std::string>{"riscv64"}));
  }
};

}  // namespace

SPACKEXT_PLUGIN(Riscv64OptimizerPlugin)
