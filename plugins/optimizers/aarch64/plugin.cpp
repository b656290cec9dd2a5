// The aarch64 optimizer: the SDK's database-driven optimizer restricted to the
// aarch64 family. Detection rules, the built-in table and flag selection
// all live in the SDK (spackext/microarch/), shared with vendor plugins.
#include <memory>

#include <spackext/microarch/table_optimizer.hpp>
#include <spackext/spackext.hpp>

namespace {

class Aarch64OptimizerPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Optimizer>(
        "aarch64", std::make_shared<spackext::microarch::TableOptimizer>(std::vector<std::string>{"aarch64"}));
  }
};

}  // namespace

SPACKEXT_PLUGIN(Aarch64OptimizerPlugin)
