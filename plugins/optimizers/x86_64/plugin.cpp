// The x86_64 optimizer: the SDK's database-driven optimizer restricted to the
// x86_64 family. Detection rules, the built-in table and flag selection
// all live in the SDK (spackext/microarch/), shared with vendor plugins.
#include <memory>

#include <spackext/microarch/table_optimizer.hpp>
#include <spackext/spackext.hpp>

namespace {

class X86_64OptimizerPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Optimizer>(
        "x86_64", std::make_shared<spackext::microarch::TableOptimizer>(std::vector<std::string>{"x86_64"}));
  }
};

}  // namespace

SPACKEXT_PLUGIN(X86_64OptimizerPlugin)
