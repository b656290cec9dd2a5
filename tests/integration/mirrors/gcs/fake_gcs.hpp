// Starts the fake GCS server (tests/services/fake-gcs) on a free loopback
// port with its data in the test's temp folder; stops it by its PID.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <spackext/http/client.hpp>
#include <spackext_testing/testing.hpp>

namespace spackext::test {

inline std::filesystem::path fake_gcs_binary() {
  if (const char* env = std::getenv("SPACKEXT_FAKE_GCS_SERVER")) return env;
  return SPACKEXT_FAKE_GCS_SERVER;
}

class FakeGcsServer {
 public:
  // `extra`: more command-line flags (--require-auth, --service-account ..., --fail-chunk N).
  // With --tls-cert among `extra` it serves HTTPS.
  FakeGcsServer(const std::filesystem::path& dir, const std::string& bucket, std::vector<std::string> extra = {})
      : log_(dir / "fake-gcs.log") {
    for (const auto& a : extra) tls_ = tls_ || a == "--tls-cert";
    port_ = spackext::testing::free_port();
    std::filesystem::create_directories(dir / "gcsdata");
    std::vector<std::string> args = {fake_gcs_binary().string(), "--data", (dir / "gcsdata").string(), "--port",
                                     std::to_string(port_), "--bucket", bucket};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      std::freopen(log_.c_str(), "w", stdout);
      std::freopen(log_.c_str(), "a", stderr);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    http::ClientOptions o;
    o.max_attempts = 1;
    o.connect_timeout = std::chrono::milliseconds(200);
    o.verify_tls = false;  // only waiting for it to answer
    http::Client client(o);
    for (int i = 0; i < 200; ++i) {
      try {
        client.send({.method = "GET", .url = endpoint() + "/storage/v1/b/" + bucket + "/o"});
        ready_ = true;
        break;
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
  ~FakeGcsServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  bool ready() const { return ready_; }
  std::string endpoint() const { return (tls_ ? "https" : "http") + std::string("://127.0.0.1:") + std::to_string(port_); }
  std::string token_uri() const { return endpoint() + "/token"; }
  std::string log() const { return spackext::testing::read_file(log_); }
  // Test-only endpoint of the fake: every issued token stops working.
  void revoke_tokens() const {
    http::Client client;
    client.send_ok({.method = "POST", .url = endpoint() + "/_fake/revoke-tokens", .body = std::string()});
  }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
  int port_ = 0;
  bool ready_ = false;
  bool tls_ = false;
};

#define SPACKEXT_REQUIRE_FAKE_GCS()                                                     \
  if (!std::filesystem::exists(::spackext::test::fake_gcs_binary()))                    \
  GTEST_SKIP() << "fake-gcs-server not built at " << ::spackext::test::fake_gcs_binary() \
               << " (build the fake-gcs-server target)"

}  // namespace spackext::test
