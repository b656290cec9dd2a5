#include "spackext_testing/server_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "spackext_testing/environment.hpp"
#include "spackext_testing/testing.hpp"

namespace spackext::testing {

namespace {

// The end of a log, for failure messages: enough to see why a server died.
std::string tail(const std::string& text, std::size_t n = 4000) {
  return text.size() <= n ? text : "..." + text.substr(text.size() - n);
}

// A connected socket to 127.0.0.1:port, or -1 (after at most 500 ms).
int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    pollfd p{fd, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    if (errno != EINPROGRESS || ::poll(&p, 1, 500) != 1 ||
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
      ::close(fd);
      return -1;
    }
  }
  return fd;
}

}  // namespace

ServerProcess::ServerProcess(ServerCommand command) : command_(std::move(command)) {
  if (command_.argv.empty()) {
    failure_ = "no command to start";
    return;
  }
  auto env_strings = detail::child_environment(command_.env);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  for (auto& s : command_.argv) args.push_back(s.data());
  args.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, command_.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  if (command_.cwd) posix_spawn_file_actions_addchdir_np(&fa, command_.cwd->c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // A group of its own: stop() reaches what the server forks, and a test
  // killed by ctest's timeout does not take the terminal's signals with it.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  int rc = posix_spawn(&pid_, args[0], &fa, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    pid_ = -1;
    failure_ = "cannot start " + command_.argv[0] + ": " + std::strerror(rc);
  }
}

ServerProcess::~ServerProcess() { stop(); }

bool ServerProcess::running() const {
  if (pid_ <= 0 || reaped_) return false;
  siginfo_t info{};
  // WNOWAIT: look without reaping, so the PID (and the group) stay ours.
  return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == 0;
}

bool ServerProcess::wait_ready(const std::function<bool()>& ready, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return false;
  const auto start = std::chrono::steady_clock::now();
  for (auto pause = std::chrono::milliseconds(10);; pause = std::min(pause * 2, std::chrono::milliseconds(200))) {
    if (!running()) {
      siginfo_t info{};
      ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
      failure_ = command_.argv[0] + (info.si_code == CLD_EXITED ? " exited with status " + std::to_string(info.si_status)
                                                                : " was killed by signal " + std::to_string(info.si_status)) +
                 " before it was ready";
      return false;
    }
    if (ready()) return true;
    if (std::chrono::steady_clock::now() - start > timeout) {
      failure_ = command_.argv[0] + " not ready after " +
                 std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + " s";
      return false;
    }
    std::this_thread::sleep_for(pause);
  }
}

void ServerProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0 || reaped_) return;
  ::kill(-pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // The leader is still unreaped here, so its group id cannot have been
  // reused: this reaches only what it started.
  ::kill(-pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  reaped_ = true;
}

std::string ServerProcess::failure() const {
  if (failure_.empty()) return {};
  return failure_ + "; log " + command_.log.string() + ":\n" + tail(log());
}

std::string ServerProcess::log() const {
  std::error_code ec;
  return std::filesystem::exists(command_.log, ec) ? read_file(command_.log) : std::string();
}

bool tcp_port_open(int port) {
  int fd = connect_loopback(port);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

bool http_answers(int port, const std::string& path) {
  int fd = connect_loopback(port);
  if (fd < 0) return false;
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n\r\n";
  bool answered = false;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    std::string got;
    char buf[256];
    pollfd p{fd, POLLIN, 0};
    while (got.size() < 12 && ::poll(&p, 1, 1000) == 1) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    answered = got.rfind("HTTP/1.", 0) == 0 && got.size() >= 12;  // "HTTP/1.x NNN"
  }
  ::close(fd);
  return answered;
}

}  // namespace spackext::testing
