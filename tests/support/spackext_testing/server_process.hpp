// The one way tests start a server process (s3rver, nginx, docker-registry,
// the fake GCS server, ...): spawned in a process group of its own with its
// output in a log file in the test's temp folder, waited for until it
// answers (or exits, or a deadline passes), and stopped by the PID it
// started, together with whatever it forked (nginx's workers).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spackext::testing {

struct ServerCommand {
  std::vector<std::string> argv;              // argv[0]: a path
  std::map<std::string, std::string> env;     // added to / overriding the environment
  std::optional<std::filesystem::path> cwd;   // default: the test's own
  std::filesystem::path log;                  // stdout and stderr go here (truncated first)
};

class ServerProcess {
 public:
  // Spawns the command. A command that cannot be spawned is not thrown:
  // wait_ready() then returns false and failure() says why, so a test fails
  // with the reason instead of aborting in a fixture's constructor.
  explicit ServerProcess(ServerCommand command);
  ~ServerProcess();  // stop()
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Polls `ready` until it returns true, the server exits, or `timeout`
  // passes (the machines running the tests are often loaded: generous).
  bool wait_ready(const std::function<bool()>& ready,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // SIGTERM to the process group; after `grace`, SIGKILL. Then whatever is
  // left of the group (children the server forked) is SIGKILLed, and the
  // server is reaped. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  pid_t pid() const { return pid_; }
  bool running() const;
  // Why wait_ready() failed ("exited with status 1", "not ready after 30 s"),
  // followed by the end of the log; empty while all is well.
  std::string failure() const;
  std::string log() const;
  const std::filesystem::path& log_path() const { return command_.log; }

 private:
  ServerCommand command_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string failure_;
};

// Readiness probes for wait_ready().
// 127.0.0.1:port accepts a TCP connection (for TLS servers: listening is
// what they do last before serving).
bool tcp_port_open(int port);
// A plain-HTTP server on 127.0.0.1:port answers `GET path` with a status
// line, whatever the status (401 from an authenticating server is "up").
bool http_answers(int port, const std::string& path = "/");

}  // namespace spackext::testing
