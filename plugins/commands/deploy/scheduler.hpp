// Runs a DAG on an executor: critical-path priority (the ready node with the
// longest remaining path first), a global limit on jobs in flight and
// per-stage limits, fail-fast or keep-going, retries with exponential
// backoff, and clean cancellation when asked (SIGINT/SIGTERM).
//
// With an executor that enforces dependencies itself (Slurm afterok), a node
// is submitted as soon as everything it waits for is submitted or done; a
// dependency that fails and is retried takes its already-submitted
// dependents back (cancelled and resubmitted later).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "build_graph.hpp"
#include "spackext/services/executor.hpp"

namespace spackext::deploy {

enum class NodeState { waiting, ready, delayed, in_flight, succeeded, failed, skipped, cancelled };
const char* to_string(NodeState s);

struct RetryPolicy {
  int retries = 0;
  double backoff_s = 5.0;  // first delay; doubles with each further failure
};

struct SchedulerOptions {
  int jobs = 1;
  bool keep_going = false;
  std::vector<RetryPolicy> retry;            // per node group; missing = no retries
  const std::atomic<bool>* cancel = nullptr;  // polled; set from a signal handler
  std::chrono::milliseconds poll{250};       // longest wait between checks of `cancel`
  // With an executor that handles dependencies, submit a node while its
  // dependencies still run. Off when something must happen on this host
  // between a node's end and its dependents' start (publishing its files).
  bool submit_ahead = true;
};

// Told about every transition, in order, from the scheduler's thread.
class ScheduleObserver {
 public:
  virtual ~ScheduleObserver() = default;
  virtual void started(NodeId, int /*attempt*/, const std::string& /*native_id*/) {}
  virtual void finished(NodeId, int /*attempt*/, const JobStatus&, double /*seconds*/) {}
  virtual void retrying(NodeId, int /*next_attempt*/, double /*delay_s*/) {}
  virtual void skipped(NodeId, NodeId /*failed_dependency*/) {}
  virtual void cancelled(NodeId, int /*attempt*/) {}
  // A submitted job taken back because a dependency is being retried; the
  // node waits again and gets a new attempt later.
  virtual void requeued(NodeId, int /*attempt*/) {}
};

// Builds the job for attempt `attempt` (1-based) of a node; `after` holds
// the native ids of in-flight dependencies (only for executors that handle
// dependencies).
using JobMaker = std::function<StageJob(NodeId, int attempt, const std::vector<std::string>& after)>;

struct ScheduleOutcome {
  std::vector<NodeState> states;
  std::size_t succeeded = 0, failed = 0, skipped = 0, cancelled = 0, not_run = 0;
  bool interrupted = false;
  bool ok() const { return failed == 0 && skipped == 0 && cancelled == 0 && not_run == 0; }
};

// `done` marks nodes that already succeeded (a resumed deployment); may be empty.
ScheduleOutcome run_schedule(const BuildGraph& graph, const std::vector<double>& priority,
                             Executor& executor, const JobMaker& make_job,
                             ScheduleObserver& observer, const SchedulerOptions& options,
                             const std::vector<char>& done = {});

}  // namespace spackext::deploy
