// The `slurm` executor: each stage attempt is a batch job. Dependencies are
// handed to Slurm (--dependency=afterok:<ids>), so the scheduler may submit
// a whole chain at once; state comes from squeue, then scontrol (finished
// jobs are kept for MinJobAge), then `sacct -c` (the job completion log,
// which works without slurmdbd); scancel stops a job.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "spackext/services/executor.hpp"

namespace spackext::executors {

struct SlurmOptions {
  std::string sbatch = "sbatch", squeue = "squeue", scontrol = "scontrol", sacct = "sacct",
              scancel = "scancel";
  std::chrono::milliseconds poll{500};
  // A job still pending for a reason other than its dependencies after this
  // long is cancelled and reported failed ("never started"); 0 = wait forever.
  std::chrono::seconds pending_timeout{0};
};

// Maps a Slurm job state (squeue/scontrol/sacct spelling) to ours.
JobState slurm_state(const std::string& state);

class SlurmExecutor final : public Executor {
 public:
  explicit SlurmExecutor(SlurmOptions options = {}) : opt_(std::move(options)) {}

  std::string submit(const StageJob& job) override;
  JobStatus status(const std::string& native_id) override;
  std::vector<std::string> wait_any(const std::vector<std::string>& native_ids,
                                    std::chrono::milliseconds timeout) override;
  void cancel(const std::string& native_id) override;
  std::string find_job(const std::string& token) override;
  bool handles_dependencies() const override { return true; }

  // The batch script submit() writes for a job (exposed for tests).
  static std::string batch_script(const StageJob& job);

 private:
  struct Seen {
    std::chrono::steady_clock::time_point first_pending{};
    bool timed_out = false;
  };
  JobStatus query(const std::string& id);
  // Applies the pending timeout to a job's state (cancelling it if exceeded).
  JobStatus watch(const std::string& id, JobStatus st);
  SlurmOptions opt_;
  std::mutex mutex_;
  std::map<std::string, Seen> seen_;
};

}  // namespace spackext::executors
