// executor-slurm: registers the `slurm` executor service. Settings come from
// the spack-ext configuration (executors.slurm.poll_ms, .pending_timeout_s).
#include "slurm_executor.hpp"
#include "spackext/plugin.hpp"

namespace {

class SlurmExecutorPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    spackext::executors::SlurmOptions o;
    const auto& cfg = host.config();
    o.poll = std::chrono::milliseconds(cfg.value<int>("executors.slurm.poll_ms", 500));
    o.pending_timeout = std::chrono::seconds(cfg.value<int>("executors.slurm.pending_timeout_s", 0));
    host.registry().add<spackext::Executor>("slurm", std::make_shared<spackext::executors::SlurmExecutor>(o));
  }
};

}  // namespace

SPACKEXT_PLUGIN(SlurmExecutorPlugin)
