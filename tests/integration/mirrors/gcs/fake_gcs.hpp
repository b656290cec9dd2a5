// Starts the fake GCS server (tests/services/fake-gcs) on a free loopback
// port with its data in the test's temp folder (ServerProcess).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <spackext/http/client.hpp>
#include <spackext_testing/server_process.hpp>
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
    process_.emplace(spackext::testing::ServerCommand{.argv = std::move(args), .log = log_});
    ready_ = process_->wait_ready([this] {
      return tls_ ? spackext::testing::tcp_port_open(port_) : spackext::testing::http_answers(port_, "/storage/v1/b");
    });
  }
  bool ready() const { return ready_; }
  std::string endpoint() const { return (tls_ ? "https" : "http") + std::string("://127.0.0.1:") + std::to_string(port_); }
  std::string token_uri() const { return endpoint() + "/token"; }
  // Why it is not ready, and the server's log.
  std::string log() const { return process_->failure() + "\n" + process_->log(); }
  // Test-only endpoint of the fake: every issued token stops working.
  void revoke_tokens() const {
    http::Client client;
    client.send_ok({.method = "POST", .url = endpoint() + "/_fake/revoke-tokens", .body = std::string()});
  }

 private:
  std::filesystem::path log_;
  int port_ = 0;
  std::optional<spackext::testing::ServerProcess> process_;
  bool ready_ = false;
  bool tls_ = false;
};

#define SPACKEXT_REQUIRE_FAKE_GCS()                                                     \
  if (!std::filesystem::exists(::spackext::test::fake_gcs_binary()))                    \
  GTEST_SKIP() << "fake-gcs-server not built at " << ::spackext::test::fake_gcs_binary() \
               << " (build the fake-gcs-server target)"

}  // namespace spackext::test
