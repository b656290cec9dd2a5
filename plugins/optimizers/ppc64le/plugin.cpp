// The ppc64le optimizer: the SDK's database-driven optimizer restricted to the
// ppc64le/ppc64 families. Detection rules, the built-in table and flag selection
// all live in the SDK (spackext/microarch/), shared with vendor plugins.
#include <spackext/microarch/table_optimizer.hpp>

namespace {

struct PowerOptimizerPlugin final : spackext::microarch::TableOptimizerPlugin {
  PowerOptimizerPlugin() : TableOptimizerPlugin("ppc64le", {"ppc64le", "ppc64"}) {}
};

}  // namespace

SPACKEXT_PLUGIN(PowerOptimizerPlugin)
