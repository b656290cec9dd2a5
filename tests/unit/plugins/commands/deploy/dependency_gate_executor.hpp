// For tests of the scheduler's eager mode without a cluster: an executor
// that, like Slurm's --dependency=afterok with kill_invalid_depend, holds a
// job until every job in StageJob::after succeeded (then runs it on the local
// executor) and cancels it when one of them did not.
#pragma once

#include <map>
#include <thread>

#include "local_executor.hpp"

namespace deploy_test {

class DependencyGateExecutor final : public spackext::Executor {
 public:
  std::string submit(const spackext::StageJob& job) override {
    auto id = "g" + std::to_string(++next_);
    jobs_[id] = {job, {}, false};
    ++submitted;
    release();
    return id;
  }
  spackext::JobStatus status(const std::string& id) override {
    release();
    auto& j = jobs_.at(id);
    if (j.cancelled) return {spackext::JobState::cancelled, -1, "dependency never satisfied"};
    if (j.inner.empty()) return {spackext::JobState::pending, -1, "Dependency"};
    return local_.status(j.inner);
  }
  std::vector<std::string> wait_any(const std::vector<std::string>& ids, std::chrono::milliseconds timeout) override {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      std::vector<std::string> done;
      for (const auto& id : ids) {
        auto s = status(id).state;
        if (s != spackext::JobState::pending && s != spackext::JobState::running) done.push_back(id);
      }
      if (!done.empty() || std::chrono::steady_clock::now() >= deadline) return done;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  void cancel(const std::string& id) override {
    auto& j = jobs_.at(id);
    if (j.inner.empty()) j.cancelled = true;
    else local_.cancel(j.inner);
  }
  bool handles_dependencies() const override { return true; }
  int submitted = 0;

 private:
  struct Held {
    spackext::StageJob job;
    std::string inner;  // the local executor's id once started
    bool cancelled = false;
  };
  void release() {
    for (auto& [id, j] : jobs_) {
      if (!j.inner.empty() || j.cancelled) continue;
      bool ready = true;
      for (const auto& a : j.job.after) {
        auto s = status_of(a);
        if (s == spackext::JobState::failed || s == spackext::JobState::cancelled) j.cancelled = true;
        if (s != spackext::JobState::succeeded) ready = false;
      }
      if (ready && !j.cancelled) j.inner = local_.submit(j.job);
    }
  }
  spackext::JobState status_of(const std::string& id) {
    auto& j = jobs_.at(id);
    if (j.cancelled) return spackext::JobState::cancelled;
    if (j.inner.empty()) return spackext::JobState::pending;
    return local_.status(j.inner).state;
  }
  spackext::executors::LocalExecutor local_;
  std::map<std::string, Held> jobs_;
  int next_ = 0;
};

}  // namespace deploy_test
