// ServerProcess: waits for a real server (Python's http.server) to answer,
// reports a server that dies before it is ready with its log, and stops
// what the server forked along with it.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <thread>

#include <spackext_testing/server_process.hpp>
#include <spackext_testing/testing.hpp>

namespace spackext::testing {
namespace {

TEST(ServerProcess, WaitsUntilAnHttpServerAnswersAndStopsIt) {
  if (!std::filesystem::exists("/usr/bin/python3")) GTEST_SKIP() << "/usr/bin/python3 not installed";
  TempDir dir;
  const int port = free_port();
  EXPECT_FALSE(http_answers(port));
  ServerProcess server({.argv = {"/usr/bin/python3", "-m", "http.server", "--bind", "127.0.0.1", std::to_string(port)},
                        .cwd = dir.path(),
                        .log = dir / "server.log"});
  ASSERT_TRUE(server.wait_ready([&] { return http_answers(port); })) << server.failure();
  EXPECT_TRUE(server.running());
  EXPECT_TRUE(tcp_port_open(port));
  EXPECT_EQ(server.failure(), "");
  server.stop();
  EXPECT_FALSE(server.running());
  EXPECT_FALSE(tcp_port_open(port));
}

TEST(ServerProcess, AServerThatExitsBeforeItIsReadySaysWhyWithItsLog) {
  TempDir dir;
  ServerProcess server({.argv = {"/bin/sh", "-c", "echo 'port already in use' >&2; exit 3"}, .log = dir / "s.log"});
  EXPECT_FALSE(server.wait_ready([] { return false; }));
  EXPECT_NE(server.failure().find("exited with status 3 before it was ready"), std::string::npos) << server.failure();
  EXPECT_NE(server.failure().find("port already in use"), std::string::npos) << server.failure();
}

TEST(ServerProcess, ANeverReadyServerTimesOut) {
  TempDir dir;
  ServerProcess server({.argv = {"/bin/sleep", "30"}, .log = dir / "s.log"});
  EXPECT_FALSE(server.wait_ready([] { return false; }, std::chrono::milliseconds(300)));
  EXPECT_NE(server.failure().find("not ready after"), std::string::npos) << server.failure();
}

TEST(ServerProcess, AMissingProgramIsAFailureNotACrash) {
  TempDir dir;
  ServerProcess server({.argv = {(dir / "no-such-server").string()}, .log = dir / "s.log"});
  EXPECT_FALSE(server.wait_ready([] { return true; }));
  EXPECT_NE(server.failure().find("no-such-server"), std::string::npos) << server.failure();
}

// A server that forks a worker which ignores SIGTERM (as a stuck worker
// would): stop() ends the worker too, after the grace period.
TEST(ServerProcess, StopEndsWhatTheServerForked) {
  TempDir dir;
  const auto pid_file = dir / "worker.pid";
  ServerProcess server({.argv = {"/bin/sh", "-c",
                                 "(trap '' TERM; exec sleep 300) & echo $! > " + pid_file.string() + "; wait"},
                        .log = dir / "s.log"});
  ASSERT_TRUE(server.wait_ready([&] { return std::filesystem::exists(pid_file) &&
                                             !read_file(pid_file).empty(); }))
      << server.failure();
  const pid_t worker = std::stoi(read_file(pid_file));
  ASSERT_EQ(::kill(worker, 0), 0);
  server.stop(std::chrono::milliseconds(300));
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {  // reaped by init once orphaned
    gone = ::kill(worker, 0) != 0;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(gone) << "worker " << worker << " outlived stop()";
}

}  // namespace
}  // namespace spackext::testing
