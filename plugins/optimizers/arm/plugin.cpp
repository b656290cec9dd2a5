// The 32-bit arm optimizer: the SDK's database-driven optimizer restricted to
// archspec's `arm` family. archspec knows only the generic `arm` root there,
// with one compiler rule (clang: -march=arm -mcpu=generic), so a 32-bit Arm
// host (armv6l, armv7l, armv8l) is detected as `arm` and gets archspec's
// answer instead of "no optimizer for this machine".
#include <spackext/microarch/table_optimizer.hpp>

namespace {

struct ArmOptimizerPlugin final : spackext::microarch::TableOptimizerPlugin {
  ArmOptimizerPlugin() : TableOptimizerPlugin("arm", {"arm"}) {}
};

}  // namespace

SPACKEXT_PLUGIN(ArmOptimizerPlugin)
