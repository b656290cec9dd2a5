// Starts s3rver (installed by tests/services/s3rver/install.sh) on a free
// loopback port with its data in the test's temp folder (ServerProcess).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include <spackext_testing/server_process.hpp>
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
  S3rver(const std::filesystem::path& dir, const std::string& bucket) : port_(spackext::testing::free_port()) {
    std::filesystem::create_directories(dir / "s3data");
    process_.emplace(spackext::testing::ServerCommand{
        .argv = {s3rver_binary().string(), "-d", (dir / "s3data").string(), "-a", "127.0.0.1", "-p",
                 std::to_string(port_), "--silent", "--configure-bucket", bucket},
        .env = {{"NODE_OPTIONS", "--openssl-legacy-provider"}},  // ListObjectsV2 tokens use DES
        .log = dir / "s3rver.log"});
    ready_ = process_->wait_ready([this] { return spackext::testing::http_answers(port_); });
  }
  bool ready() const { return ready_; }
  // Why it is not ready, with the end of its log.
  std::string failure() const { return process_->failure(); }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int port_ = 0;
  std::optional<spackext::testing::ServerProcess> process_;
  bool ready_ = false;
};

#define SPACKEXT_REQUIRE_S3RVER()                                                                   \
  if (!std::filesystem::exists(::spackext::test::s3rver_binary()))                                 \
  GTEST_SKIP() << "s3rver not installed at " << ::spackext::test::s3rver_binary()                  \
               << " (run tests/services/s3rver/install.sh; needs npm)"

}  // namespace spackext::test
