// The riscv64 optimizer: the SDK's database-driven optimizer restricted to the
// riscv64 family. Detection rules, the built-in table and flag selection
// all live in the SDK (spackext/microarch/), shared with vendor plugins.
#include <spackext/microarch/table_optimizer.hpp>

namespace {

struct Riscv64OptimizerPlugin final : spackext::microarch::TableOptimizerPlugin {
  Riscv64OptimizerPlugin() : TableOptimizerPlugin("riscv64", {"riscv64"}) {}
};

}  // namespace

SPACKEXT_PLUGIN(Riscv64OptimizerPlugin)
