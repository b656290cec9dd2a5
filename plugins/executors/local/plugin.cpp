// executor-local: registers the `local` executor service.
#include "local_executor.hpp"
#include "spackext/plugin.hpp"

namespace {

class LocalExecutorPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Executor>("local", std::make_shared<spackext::executors::LocalExecutor>());
  }
};

}  // namespace

SPACKEXT_PLUGIN(LocalExecutorPlugin)
