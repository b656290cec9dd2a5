// The x86_64 optimizer: the SDK's database-driven optimizer restricted to the
// x86_64 family. Detection rules, the built-in table and flag selection
// all live in the SDK (spackext/microarch/), shared with vendor plugins.
#include <spackext/microarch/table_optimizer.hpp>

namespace {

struct X86_64OptimizerPlugin final : spackext::microarch::TableOptimizerPlugin {
  X86_64OptimizerPlugin() : TableOptimizerPlugin("x86_64", {"x86_64"}) {}
};

}  // namespace

SPACKEXT_PLUGIN(X86_64OptimizerPlugin)
