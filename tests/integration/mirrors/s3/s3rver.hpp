// Starts s3rver (installed by tests/services/s3rver/install.sh) on a free
// loopback port with its data in the test's temp folder; stops it by PID.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include <spackext/http/client.hpp>
#include <spackext_testing/testing.hpp>

namespace spackext::test {

inline std::filesystem::path s3rver_binary() {
  std::filesystem::path tools = std::getenv("SPACKEXT_TOOLS_DIR")
                                    ? std::getenv("SPACKEXT_TOOLS_DIR")
                                    : std::filesystem::path(std::getenv("HOME") ? std::getenv("HOME") : "/root") /
                                          ".cache/spack-ext/test-tools";
  return tools / "node_modules/.bin/s3rver";
}

class S3rver {
 public:
  S3rver(const std::filesystem::path& dir, const std::string& bucket) {
    port_ = spackext::testing::free_port();
    std::filesystem::create_directories(dir / "s3data");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setenv("NODE_OPTIONS", "--openssl-legacy-provider", 1);  // ListObjectsV2 tokens use DES
      auto bin = s3rver_binary().string(), data = (dir / "s3data").string(), port = std::to_string(port_);
      std::freopen((dir / "s3rver.log").c_str(), "w", stdout);
      std::freopen((dir / "s3rver.log").c_str(), "a", stderr);
      ::execl(bin.c_str(), bin.c_str(), "-d", data.c_str(), "-a", "127.0.0.1", "-p", port.c_str(), "--silent",
              "--configure-bucket", bucket.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    http::ClientOptions o;
    o.max_attempts = 1;
    o.connect_timeout = std::chrono::milliseconds(200);
    http::Client client(o);
    for (int i = 0; i < 200; ++i) {
      try {
        client.send({.method = "GET", .url = endpoint() + "/"});
        ready_ = true;
        break;
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
  ~S3rver() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  bool ready() const { return ready_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  bool ready_ = false;
};

#define SPACKEXT_REQUIRE_S3RVER()                                                                   \
  if (!std::filesystem::exists(::spackext::test::s3rver_binary()))                                 \
  GTEST_SKIP() << "s3rver not installed at " << ::spackext::test::s3rver_binary()                  \
               << " (run tests/services/s3rver/install.sh; needs npm)"

}  // namespace spackext::test
