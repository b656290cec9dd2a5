// The aarch64 optimizer: the SDK's database-driven optimizer restricted to the
// aarch64 family. Detection rules, the built-in table and flag selection
// all live in the SDK (spackext/microarch/), shared with vendor plugins.
#include <spackext/microarch/table_optimizer.hpp>

namespace {

struct Aarch64OptimizerPlugin final : spackext::microarch::TableOptimizerPlugin {
  Aarch64OptimizerPlugin() : TableOptimizerPlugin("aarch64", {"aarch64"}) {}
};

}  // namespace

SPACKEXT_PLUGIN(Aarch64OptimizerPlugin)
