#include "local_executor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "spackext/errors.hpp"
#include "spackext/process_identity.hpp"

extern char** environ;

namespace spackext::executors {
namespace {

namespace fs = std::filesystem;

// A pidfd makes a child's exit pollable; without one (old kernels) we poll waitpid.
int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd >= 0) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
#else
  return -1;
#endif
}

std::string script_of(const StageJob& job) {
  // -e: the first failing command fails the stage.
  std::string s = "set -e\n";
  for (const auto& c : job.commands) s += c + "\n";
  return s;
}

// The marker a process started by this executor carries in its environment,
// so that a later process can recognise (and stop) it before trusting a PID.
constexpr const char* kMarker = "SPACKEXT_EXECUTOR=local";

bool has_variable(pid_t pid, const std::string& assignment) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  if (!in) return false;
  std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::stringstream ss(env);
  for (std::string var; std::getline(ss, var, '\0');)
    if (var == assignment) return true;
  return false;
}

bool is_ours(pid_t pid) { return has_variable(pid, kMarker); }

// PIDs of the processes running now, from /proc.
std::vector<pid_t> all_pids() {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    out.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return out;
}

// True while any process of the group is still running. kill(-pgid, 0)
// also succeeds for zombies waiting to be reaped by whoever adopted them,
// which a container's init may never do; so read the states in /proc.
bool group_running(pid_t pgid) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    char state = 0;
    long ppid = 0, pgrp = 0;
    rest >> state >> ppid >> pgrp;
    if (pgrp == pgid && state != 'Z' && state != 'X') return true;
  }
  return false;
}

}  // namespace

LocalExecutor::~LocalExecutor() {
  std::vector<std::string> running;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, c] : children_)
      if (!c.done) running.push_back(id);
  }
  for (const auto& id : running) cancel(id);
  for (auto& [id, c] : children_)
    if (c.pidfd >= 0) ::close(c.pidfd);
}

std::string LocalExecutor::submit(const StageJob& job) {
  if (!job.workdir.empty()) fs::create_directories(job.workdir);
  if (!job.log_path.empty()) fs::create_directories(fs::path(job.log_path).parent_path());

  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : job.environment) env[k] = v;
  env["SPACKEXT_EXECUTOR"] = "local";
  env["SPACKEXT_JOB_ID"] = job.id;
  if (!job.token.empty()) env["SPACKEXT_JOB_TOKEN"] = job.token;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::string script = script_of(job);
  std::string sh = "/bin/sh", dash_c = "-c", name = "spackext-stage";
  char* argv[] = {sh.data(), dash_c.data(), script.data(), name.data(), nullptr};

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  std::string log = job.log_path.empty() ? "/dev/null" : job.log_path;
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  if (!job.workdir.empty()) posix_spawn_file_actions_addchdir_np(&fa, job.workdir.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // A session of its own: a process group to signal as a whole, and no
  // terminal, so Ctrl-C reaches only the host, which then cancels cleanly.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, sh.c_str(), &fa, &attr, argv, envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw Error("cannot start stage " + job.id + ": " + std::strerror(rc));

  Child c;
  c.pid = pid;
  c.pidfd = open_pidfd(pid);
  // The native id names the process provably (host, PID, start time), so a
  // later host process never signals a recycled PID or another host's.
  ProcessIdentity who{host_name(), static_cast<long>(pid), process_start(pid).value_or("")};
  std::lock_guard lock(mutex_);
  auto id = who.str();
  children_[id] = c;
  return id;
}

bool LocalExecutor::reap(Child& c, bool block) {
  if (c.done) return true;
  int status = 0;
  pid_t r = ::waitpid(c.pid, &status, block ? 0 : WNOHANG);
  if (r == 0) return false;
  c.done = true;
  if (c.pidfd >= 0) {
    ::close(c.pidfd);
    c.pidfd = -1;
  }
  if (r < 0) {
    c.detail = std::string("lost track of the process: ") + std::strerror(errno);
  } else if (WIFEXITED(status)) {
    c.exit_code = WEXITSTATUS(status);
    if (c.exit_code != 0) c.detail = "exited with code " + std::to_string(c.exit_code);
  } else if (WIFSIGNALED(status)) {
    c.exit_code = 128 + WTERMSIG(status);
    c.detail = std::string("killed by signal ") + strsignal(WTERMSIG(status));
  }
  return true;
}

JobStatus LocalExecutor::status(const std::string& native_id) {
  std::lock_guard lock(mutex_);
  auto it = children_.find(native_id);
  if (it == children_.end()) {
    // A job of an earlier host process: running while provably that process;
    // its exit status went to whoever reaped it.
    auto who = ProcessIdentity::parse(native_id);
    if (who && is_running(*who) && is_ours(static_cast<pid_t>(who->pid))) return {JobState::running, -1, {}};
    return {JobState::unknown, -1, "not started by this executor"};
  }
  auto& c = it->second;
  if (!reap(c, false)) return {JobState::running, -1, {}};
  if (c.cancelled) return {JobState::cancelled, c.exit_code, "cancelled"};
  return {c.exit_code == 0 ? JobState::succeeded : JobState::failed, c.exit_code, c.detail};
}

std::vector<std::string> LocalExecutor::wait_any(const std::vector<std::string>& ids,
                                                 std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::vector<std::string> finished;
    std::vector<pollfd> fds;
    bool pollable = true;
    {
      std::lock_guard lock(mutex_);
      for (const auto& id : ids) {
        auto it = children_.find(id);
        if (it == children_.end()) continue;
        auto& c = it->second;
        if (reap(c, false)) {
          finished.push_back(id);
        } else if (c.pidfd >= 0) {
          fds.push_back({c.pidfd, POLLIN, 0});
        } else {
          pollable = false;
        }
      }
    }
    if (!finished.empty()) return finished;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || (fds.empty() && pollable)) return {};
    int wait_ms = pollable ? static_cast<int>(left.count()) : std::min<int>(10, left.count());
    if (fds.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    } else if (::poll(fds.data(), fds.size(), wait_ms) < 0 && errno != EINTR) {
      throw Error(std::string("poll failed: ") + std::strerror(errno));
    }
  }
}

void LocalExecutor::stop_group(pid_t pgid) {
  ::kill(-pgid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace_;
  while (::kill(-pgid, 0) == 0 && std::chrono::steady_clock::now() < deadline) {
    if (!group_running(pgid)) break;
    // Reap our own child so the group can disappear.
    int st;
    ::waitpid(pgid, &st, WNOHANG);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(-pgid, SIGKILL);
}

std::string LocalExecutor::find_job(const std::string& token) {
  if (token.empty()) return {};
  // The stage's shell leads its own process group and carries the token.
  const std::string assignment = "SPACKEXT_JOB_TOKEN=" + token;
  for (pid_t pid : all_pids()) {
    if (::getpgid(pid) != pid || !is_ours(pid) || !has_variable(pid, assignment)) continue;
    if (auto start = process_start(pid)) return ProcessIdentity{host_name(), static_cast<long>(pid), *start}.str();
  }
  return {};
}

void LocalExecutor::cancel(const std::string& native_id) {
  std::unique_lock lock(mutex_);
  auto it = children_.find(native_id);
  if (it == children_.end()) {
    lock.unlock();
    // A job of an earlier host process: stop its group only if it is
    // provably that job — on this host, the same PID started at the same
    // tick, a group leader carrying our marker. A recycled PID, or a PID
    // recorded on another login node, belongs to someone else.
    auto who = ProcessIdentity::parse(native_id);
    if (!who || who->pid <= 1 || !is_running(*who)) return;
    auto pid = static_cast<pid_t>(who->pid);
    if (::getpgid(pid) == pid && is_ours(pid)) stop_group(pid);
    return;
  }
  auto& c = it->second;
  if (c.done) return;
  c.cancelled = true;
  pid_t pid = c.pid;
  lock.unlock();
  stop_group(pid);
  lock.lock();
  reap(children_[native_id], true);
}

}  // namespace spackext::executors
