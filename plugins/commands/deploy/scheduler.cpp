#include "scheduler.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <thread>
#include <unordered_map>

#include "ready_queue.hpp"

namespace spackext::deploy {

const char* to_string(NodeState s) {
  switch (s) {
    case NodeState::waiting: return "waiting";
    case NodeState::ready: return "ready";
    case NodeState::delayed: return "delayed";
    case NodeState::in_flight: return "running";
    case NodeState::succeeded: return "succeeded";
    case NodeState::failed: return "failed";
    case NodeState::skipped: return "skipped";
    case NodeState::cancelled: return "cancelled";
  }
  return "unknown";
}

namespace {

using SteadyClock = std::chrono::steady_clock;

class Run {
 public:
  Run(const BuildGraph& g, const std::vector<double>& priority, Executor& ex, const JobMaker& make,
      ScheduleObserver& obs, const SchedulerOptions& opt)
      : g_(g), ex_(ex), make_(make), obs_(obs), opt_(opt), eager_(ex.handles_dependencies() && opt.submit_ahead),
        queue_(g, priority), state_(g.size(), NodeState::waiting), unfinished_(g.size(), 0),
        unsubmitted_(g.size(), 0), attempts_(g.size(), 0), failures_(g.size(), 0),
        native_(g.size()), started_at_(g.size()), topo_pos_(g.size()) {
    auto order = g.topological_order();
    for (std::uint32_t i = 0; i < order.size(); ++i) topo_pos_[order[i]] = i;
  }

  ScheduleOutcome go(const std::vector<char>& done) {
    for (NodeId n = 0; n < g_.size(); ++n)
      if (!done.empty() && done[n]) state_[n] = NodeState::succeeded;
    for (NodeId n = 0; n < g_.size(); ++n) {
      if (state_[n] == NodeState::succeeded) continue;
      for (NodeId d : g_.node(n).deps)
        if (state_[d] != NodeState::succeeded) ++unfinished_[n], ++unsubmitted_[n];
      make_ready_if_possible(n);
    }
    loop();
    ScheduleOutcome out;
    out.states = state_;
    out.interrupted = interrupted_;
    for (auto s : state_) {
      if (s == NodeState::succeeded) ++out.succeeded;
      else if (s == NodeState::failed) ++out.failed;
      else if (s == NodeState::skipped) ++out.skipped;
      else if (s == NodeState::cancelled) ++out.cancelled;
      else ++out.not_run;
    }
    return out;
  }

 private:
  bool can_start(NodeId n) const { return eager_ ? unsubmitted_[n] == 0 : unfinished_[n] == 0; }
  void make_ready_if_possible(NodeId n) {
    if (state_[n] == NodeState::waiting && can_start(n)) {
      state_[n] = NodeState::ready;
      queue_.push(n);
    }
  }
  int retries_of(NodeId n) const {
    auto grp = static_cast<std::size_t>(g_.node(n).group);
    return grp < opt_.retry.size() ? opt_.retry[grp].retries : 0;
  }
  double backoff_of(NodeId n) const {
    auto grp = static_cast<std::size_t>(g_.node(n).group);
    return grp < opt_.retry.size() ? opt_.retry[grp].backoff_s : 0.0;
  }
  bool cancel_requested() const { return opt_.cancel && opt_.cancel->load(); }

  void loop() {
    for (;;) {
      if (cancel_requested()) {
        interrupt();
        return;
      }
      auto now = SteadyClock::now();
      while (!delayed_.empty() && delayed_.top().first <= now) {
        NodeId n = delayed_.top().second;
        delayed_.pop();
        if (state_[n] != NodeState::delayed) continue;
        state_[n] = NodeState::waiting;
        make_ready_if_possible(n);
      }
      if (!stop_) fill();
      if (in_flight_.empty() && (stop_ || delayed_.empty())) return;
      auto timeout = opt_.poll;
      if (!delayed_.empty()) {
        auto until = std::chrono::duration_cast<std::chrono::milliseconds>(delayed_.top().first - now);
        timeout = std::clamp(until, std::chrono::milliseconds(1), timeout);
      }
      if (in_flight_.empty()) {
        std::this_thread::sleep_for(timeout);
        continue;
      }
      ids_.clear();
      for (const auto& [id, n] : in_flight_) ids_.push_back(id);
      auto finished = ex_.wait_any(ids_, timeout);
      // Dependencies first: when a failed job and the dependents an executor
      // cancelled because of it (Slurm's kill_invalid_depend) are reported
      // together, the failure decides what happens to the dependents.
      std::sort(finished.begin(), finished.end(), [&](const std::string& a, const std::string& b) {
        auto ia = in_flight_.find(a), ib = in_flight_.find(b);
        auto pa = ia == in_flight_.end() ? 0u : topo_pos_[ia->second];
        auto pb = ib == in_flight_.end() ? 0u : topo_pos_[ib->second];
        return pa < pb;
      });
      bool progressed = finished.empty();
      for (const auto& id : finished) progressed |= finish(id);
      if (!progressed) std::this_thread::sleep_for(opt_.poll);  // only deferred ones: don't spin
    }
  }

  void fill() {
    while (in_flight_.size() < static_cast<std::size_t>(std::max(1, opt_.jobs))) {
      auto n = queue_.pop();
      if (!n) return;
      if (state_[*n] != NodeState::ready) continue;  // stale entry
      submit(*n);
    }
  }

  void submit(NodeId n) {
    int attempt = ++attempts_[n];
    std::vector<std::string> after;
    if (eager_)
      for (NodeId d : g_.node(n).deps)
        if (state_[d] == NodeState::in_flight) after.push_back(native_[d]);
    started_at_[n] = SteadyClock::now();
    std::string id;
    try {
      id = ex_.submit(make_(n, attempt, after));
    } catch (const std::exception& e) {
      state_[n] = NodeState::in_flight;  // so fail() sees a normal transition
      fail(n, JobStatus{JobState::failed, -1, e.what()}, 0.0);
      return;
    }
    state_[n] = NodeState::in_flight;
    native_[n] = id;
    in_flight_.emplace(id, n);
    queue_.started(n);
    obs_.started(n, attempt, id);
    if (eager_)
      for (NodeId d : g_.node(n).dependents)
        if (--unsubmitted_[d] == 0) make_ready_if_possible(d);
  }

  void take_out_of_flight(NodeId n) {
    in_flight_.erase(native_[n]);
    queue_.finished(n);
  }

  // Returns false if the job's end is deferred (see below).
  bool finish(const std::string& id) {
    auto it = in_flight_.find(id);
    if (it == in_flight_.end()) return true;  // already taken back
    NodeId n = it->second;
    auto status = ex_.status(id);
    // Cancelled by the executor while a dependency still looks in flight to
    // us: its failure has not reached us yet. Wait for it to decide.
    if (status.state == JobState::cancelled && eager_)
      for (NodeId d : g_.node(n).deps)
        if (state_[d] == NodeState::in_flight) return false;
    double secs = std::chrono::duration<double>(SteadyClock::now() - started_at_[n]).count();
    take_out_of_flight(n);
    if (status.state == JobState::succeeded) {
      state_[n] = NodeState::succeeded;
      obs_.finished(n, attempts_[n], status, secs);
      for (NodeId d : g_.node(n).dependents)
        if (--unfinished_[d] == 0 && !eager_) make_ready_if_possible(d);
      return true;
    }
    if (status.state != JobState::failed && status.state != JobState::cancelled) {
      status.detail = status.detail.empty() ? "job vanished (state unknown)" : status.detail;
      status.state = JobState::failed;
    }
    fail(n, status, secs);
    return true;
  }

  void fail(NodeId n, const JobStatus& status, double secs) {
    obs_.finished(n, attempts_[n], status, secs);
    if (++failures_[n] <= retries_of(n) && !stop_) {
      double delay = backoff_of(n) * std::pow(2.0, failures_[n] - 1);
      state_[n] = NodeState::delayed;
      delayed_.push({SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(
                                              std::chrono::duration<double>(delay)),
                     n});
      obs_.retrying(n, attempts_[n] + 1, delay);
      if (eager_) take_back_dependents(n);
      return;
    }
    state_[n] = NodeState::failed;
    skip_dependents(n);
    if (!opt_.keep_going) stop_ = true;
  }

  // n is no longer submitted: dependents submitted after it must wait again.
  void take_back_dependents(NodeId n) {
    for (NodeId d : g_.node(n).dependents) {
      ++unsubmitted_[d];
      if (state_[d] == NodeState::ready) state_[d] = NodeState::waiting;
      if (state_[d] != NodeState::in_flight) continue;
      ex_.cancel(native_[d]);
      take_out_of_flight(d);
      state_[d] = NodeState::waiting;
      obs_.requeued(d, attempts_[d]);
      take_back_dependents(d);
    }
  }

  void skip_dependents(NodeId failed) {
    std::vector<NodeId> stack(g_.node(failed).dependents.begin(), g_.node(failed).dependents.end());
    while (!stack.empty()) {
      NodeId d = stack.back();
      stack.pop_back();
      auto s = state_[d];
      if (s == NodeState::skipped || s == NodeState::succeeded || s == NodeState::failed ||
          s == NodeState::cancelled)
        continue;
      if (s == NodeState::in_flight) {
        ex_.cancel(native_[d]);
        take_out_of_flight(d);
      }
      state_[d] = NodeState::skipped;
      obs_.skipped(d, failed);
      for (NodeId e : g_.node(d).dependents) stack.push_back(e);
    }
  }

  void interrupt() {
    interrupted_ = true;
    std::vector<std::pair<std::string, NodeId>> running(in_flight_.begin(), in_flight_.end());
    for (const auto& [id, n] : running) {
      ex_.cancel(id);
      take_out_of_flight(n);
      state_[n] = NodeState::cancelled;
      obs_.cancelled(n, attempts_[n]);
    }
  }

  const BuildGraph& g_;
  Executor& ex_;
  const JobMaker& make_;
  ScheduleObserver& obs_;
  const SchedulerOptions& opt_;
  const bool eager_;
  ReadyQueue queue_;
  std::vector<NodeState> state_;
  std::vector<std::uint32_t> unfinished_, unsubmitted_;
  std::vector<int> attempts_, failures_;
  std::vector<std::string> native_;
  std::vector<SteadyClock::time_point> started_at_;
  std::vector<std::uint32_t> topo_pos_;
  std::unordered_map<std::string, NodeId> in_flight_;
  std::vector<std::string> ids_;
  using Delayed = std::pair<SteadyClock::time_point, NodeId>;
  std::priority_queue<Delayed, std::vector<Delayed>, std::greater<>> delayed_;
  bool stop_ = false, interrupted_ = false;
};

}  // namespace

ScheduleOutcome run_schedule(const BuildGraph& graph, const std::vector<double>& priority,
                             Executor& executor, const JobMaker& make_job,
                             ScheduleObserver& observer, const SchedulerOptions& options,
                             const std::vector<char>& done) {
  Run run(graph, priority, executor, make_job, observer, options);
  return run.go(done);
}

}  // namespace spackext::deploy
