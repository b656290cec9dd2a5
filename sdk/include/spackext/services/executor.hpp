// `executor` services: run the stages of a deployment (local processes,
// Slurm jobs, ...). The scheduler in the deploy command decides what runs
// when; an executor only starts, watches and stops stage attempts.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/service.hpp"

namespace spackext {

struct StageJob {
  std::string id;                      // unique within the deployment
  std::vector<std::string> commands;   // shell commands, run in order
  std::string workdir;
  std::map<std::string, std::string> environment;
  std::string log_path;
  std::vector<std::string> after;      // native ids of jobs this one must follow
  std::string name;                    // human name (Slurm job name); defaults to id
  nlohmann::json resources = nlohmann::json::object();  // cpus, memory, time, partition
  // Unique across deployments and hosts; the caller records it before
  // submit(), and the job carries it (environment SPACKEXT_JOB_TOKEN, and
  // wherever the executor can search for it), so find_job() can recover a
  // job whose native id a crash kept from being recorded.
  std::string token;
};

enum class JobState { pending, running, succeeded, failed, cancelled, unknown };

struct JobStatus {
  JobState state = JobState::unknown;
  int exit_code = -1;
  std::string detail;
};

class Executor : public Service {
 public:
  static constexpr const char* kKind = "executor";
  // Starts the job; returns its native id (a PID, a Slurm job id, ...).
  virtual std::string submit(const StageJob& job) = 0;
  virtual JobStatus status(const std::string& native_id) = 0;
  // Blocks up to `timeout` for any of `native_ids` to finish; returns the finished ones.
  virtual std::vector<std::string> wait_any(const std::vector<std::string>& native_ids,
                                            std::chrono::milliseconds timeout) = 0;
  // Stops the job (and everything it started). Also accepts the id of a job
  // started by an earlier process (a host that was killed and resumed); it
  // never signals anything it cannot prove is that job.
  virtual void cancel(const std::string& native_id) = 0;
  // True if the executor itself holds a job back until every job in
  // StageJob::after succeeded (Slurm's --dependency=afterok), so a job may be
  // submitted before its dependencies finish. Otherwise the caller submits a
  // job only once its dependencies succeeded.
  virtual bool handles_dependencies() const { return false; }
  // The native id of a job submitted with StageJob::token == `token` (by
  // this or an earlier process) that still exists, or "" if there is none.
  virtual std::string find_job(const std::string& /*token*/) { return {}; }
};

}  // namespace spackext
