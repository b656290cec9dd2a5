// The `local` executor: each stage attempt is a `/bin/sh` process in a
// session (and process group) of its own, with its output in the job's log.
// Cancelling signals the whole group, so whatever the stage started stops too.
// A native id is "host:pid:start" (spackext::ProcessIdentity), so a later
// host process can prove a PID is still that job before signalling it.
#pragma once

#include <sys/types.h>

#include <map>
#include <mutex>
#include <string>

#include "spackext/services/executor.hpp"

namespace spackext::executors {

class LocalExecutor final : public Executor {
 public:
  LocalExecutor() = default;
  ~LocalExecutor() override;  // stops what is still running

  std::string submit(const StageJob& job) override;
  JobStatus status(const std::string& native_id) override;
  std::vector<std::string> wait_any(const std::vector<std::string>& native_ids,
                                    std::chrono::milliseconds timeout) override;
  void cancel(const std::string& native_id) override;
  std::string find_job(const std::string& token) override;

  // How long a cancelled group gets between SIGTERM and SIGKILL.
  void set_grace(std::chrono::milliseconds grace) { grace_ = grace; }

 private:
  struct Child {
    pid_t pid = -1;
    int pidfd = -1;
    bool done = false;
    bool cancelled = false;
    int exit_code = -1;
    std::string detail;
  };
  bool reap(Child& c, bool block);
  void stop_group(pid_t pgid);

  std::mutex mutex_;
  std::map<std::string, Child> children_;
  std::chrono::milliseconds grace_{3000};
};

}  // namespace spackext::executors
