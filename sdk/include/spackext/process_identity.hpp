// Which process a PID names, provably: a PID alone is recycled by the kernel
// and means nothing on another host (a home shared between login nodes), so
// whoever records a process to check or signal it later records its host,
// its PID and its start time (boot id + start tick). Executors that run
// local processes and anything that records an owner process use it.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace spackext {

struct ProcessIdentity {
  std::string host;   // gethostname()
  long pid = 0;
  std::string start;  // "<boot id>:<start tick>"; empty when unknown

  bool operator==(const ProcessIdentity&) const = default;
  // "host:pid:start", the form stored in databases and native job ids.
  std::string str() const;
  static std::optional<ProcessIdentity> parse(const std::string& s);
};

// This process.
ProcessIdentity current_process();
// The start time of `pid` on this host as ProcessIdentity::start, or nothing
// if no such process runs (zombies count as gone).
std::optional<std::string> process_start(pid_t pid);
// The name of this host.
std::string host_name();

// True if `p` is provably running right now: it is on this host, its PID
// runs, and that process started when `p` says. False for another host's
// process: this host cannot know (see `on_this_host`).
bool is_running(const ProcessIdentity& p);
bool on_this_host(const ProcessIdentity& p);

}  // namespace spackext
