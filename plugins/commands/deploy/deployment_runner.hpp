// One deployment from start to end: expands deploy.yaml, records it in the
// state database, turns nodes into executor jobs (commands, environment,
// logs, artifacts), runs the scheduler, publishes deploy.* events and, on
// success, makes its artifacts the current ones. Also resume and rollback.
#pragma once

#include <atomic>
#include <cstdint>
#include <set>
#include <string>

#include "deploy_spec.hpp"
#include "scheduler.hpp"
#include "state_db.hpp"
#include "spackext/bus.hpp"
#include "spackext/services/executor.hpp"

namespace spackext::deploy {

struct DeployOptions {
  std::set<std::string> stages;  // empty: all
  std::string executor = "local";
  int jobs = 1;
  bool keep_going = false;
  std::string spack;        // the Spack executable, over deploy.yaml's (empty: deploy.yaml's)
  std::string junit;        // the JUnit report of the test jobs (empty: <output>/deployments/<id>/junit.xml)
  // `deploy --env`: the deployment is this one Spack environment, run in
  // `base_path` (environment_deploy_spec), not a deploy.yaml.
  std::string environment, base_path;
};

// The deployment a run or a resume works on: its deploy.yaml, or the one
// environment of `deploy --env`, with the options' Spack executable.
DeploySpec deploy_spec_of(const std::string& config_path, const DeployOptions& options);

// The config scope that a node's propagated files are published into.
fs::path scope_dir(const fs::path& deployment_output, const std::string& node);
// The JUnit report a deployment writes (if it has test jobs).
fs::path junit_path(const fs::path& deployment_output, const DeployOptions& options);

struct DeployResult {
  std::int64_t id = 0;
  std::string status;  // succeeded, failed, cancelled
  ScheduleOutcome outcome;
};

class DeploymentRunner {
 public:
  // Logs go to <log_root>/<deployment id>/<node>/attempt-<n>.log.
  DeploymentRunner(StateDb& db, Bus& bus, fs::path log_root)
      : db_(db), bus_(bus), log_root_(std::move(log_root)) {}

  DeployResult run(const DeploySpec& spec, const DeployOptions& options, Executor& executor,
                   const std::atomic<bool>* cancel);
  // Continues a deployment whose host stopped (crash, kill -9, cancel, or a
  // failure fixed since): nodes that succeeded are kept, jobs the stopped
  // host left running are waited for and kept if they succeeded, everything
  // else runs again. Refused while another process provably runs it; `takeover`
  // accepts an owner on another host that this host cannot check.
  DeployResult resume(std::int64_t id, Executor& executor, const std::atomic<bool>* cancel,
                      bool takeover = false);

 private:
  void recover_leftovers(const DeploymentRecord& rec, const DeploySpec& spec, Executor& executor,
                         const std::atomic<bool>* cancel);
  void wait_for_leftover(const std::string& node, const std::string& native, Executor& executor,
                         const std::atomic<bool>* cancel);
  DeployResult execute(std::int64_t id, const DeploySpec& spec, const DeployOptions& options,
                       Executor& executor, const std::atomic<bool>* cancel);
  void write_junit(std::int64_t id, const DeploySpec& spec, const DeployOptions& options,
                   const BuildGraph& g, const fs::path& out_dir);
  StateDb& db_;
  Bus& bus_;
  fs::path log_root_;
};

// Points the artifacts' `current` link back to what it was before deployment
// `id`; throws spackext::Error if that deployment published nothing.
void rollback_deployment(StateDb& db, Bus& bus, std::int64_t id);

// False only when the deployment is provably not being run: not marked
// running, or its owner process is gone from this host. An owner on another
// host counts as running.
bool may_still_run(const DeploymentRecord& d);

// The options a deployment was started with, as stored in the database.
DeployOptions options_from_json(const nlohmann::json& j);
nlohmann::json options_to_json(const DeployOptions& o);

}  // namespace spackext::deploy
