// A sync to and from a real S3 server (s3rver) through a proxy that answers
// 10 % of requests with a 503, drops 5 % of responses before their body and
// 3 % half-way, and flips a byte in 3 % of bodies either way. A sync may fail
// (exit 1) and is rerun; once it succeeds, nothing is lost or corrupt: the
// bucket (read without the proxy) verifies, and a copy back holds every
// object byte for byte.
#include <gtest/gtest.h>

#include <iostream>

#include <nlohmann/json.hpp>
#include <spackext_testing/fault_proxy.hpp>

#include "campaign.hpp"
#include "s3rver.hpp"

namespace spackext::faults {
namespace {

using spackext::testing::TempDir;

// Runs `args` until it exits 0 (at most `attempts` times); every failure
// must be a clean exit 1, never a crash or a usage error.
spackext::testing::RunResult until_success(const std::vector<std::string>& args, const fs::path& home,
                                           const spackext::testing::RunOptions& env, int attempts, int& failures) {
  spackext::testing::RunResult r;
  for (int i = 0; i < attempts; ++i) {
    r = spackext::testing::run_host(args, home, env);
    if (r.exit_code == 0) return r;
    EXPECT_EQ(r.exit_code, 1) << r.err;
    ++failures;
  }
  return r;
}

TEST(BuildcacheS3Faults, SyncThroughAFaultyNetworkLosesAndCorruptsNothing) {
  SPACKEXT_REQUIRE_S3RVER();
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir home;
  spackext::test::S3rver server(home.path(), "buildcache");  // one server; a mirror per trial
  ASSERT_TRUE(server.ready());
  spackext::testing::RunOptions env;
  env.env = {{"AWS_ACCESS_KEY_ID", "S3RVER"}, {"AWS_SECRET_ACCESS_KEY", "S3RVER"}};
  env.unset_env = {"AWS_PROFILE", "S3_ENDPOINT_URL"};
  int injected = 0, requests = 0, failed_runs = 0;
  for (int t = 0, n = trials(1); t < n; ++t) {
    spackext::testing::FaultProxy proxy(server.endpoint(), {.server_errors = 0.10,
                                                            .resets = 0.05,
                                                            .truncations = 0.03,
                                                            .flips = 0.03,
                                                            .seed = static_cast<unsigned>(t + 1)});
    const auto faulty = "faulty" + std::to_string(t), direct = "direct" + std::to_string(t);
    for (const auto& [name, endpoint] : {std::pair{faulty, proxy.endpoint()}, {direct, server.endpoint()}}) {
      auto add = spackext::testing::run_host({"buildcache", "add-mirror", name, "s3://buildcache/t" + std::to_string(t),
                                              "--endpoint-url", endpoint},
                                             home.path(), env);
      ASSERT_EQ(add.exit_code, 0) << add.err;
    }
    int failures = 0;
    auto up = until_success({"buildcache", "sync", src.string(), faulty, "--jobs", "4"}, home.path(), env, 15, failures);
    ASSERT_EQ(up.exit_code, 0) << up.err;
    auto verify = spackext::testing::run_host({"buildcache", "verify", direct, "--no-signatures"}, home.path(), env);
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

    const auto back = home / ("back" + std::to_string(t));
    auto down = until_success({"buildcache", "sync", faulty, back.string(), "--jobs", "4"}, home.path(), env, 15, failures);
    ASSERT_EQ(down.exit_code, 0) << down.err;
    EXPECT_EQ(published(back), published(src)) << "trial " << t;
    for (const auto& f : published(src))
      EXPECT_EQ(spackext::testing::read_file(back / f), spackext::testing::read_file(src / f)) << "trial " << t << ": " << f;
    expect_consistent(back, home.path(), "trial " + std::to_string(t));
    const int faults = proxy.errors + proxy.resets + proxy.truncations + proxy.flips;
    EXPECT_GT(faults, 0) << "no fault was injected";
    injected += faults;
    requests += proxy.requests;
    failed_runs += failures;
  }
  RecordProperty("requests", requests);
  RecordProperty("injected", injected);
  RecordProperty("failed_runs", failed_runs);
  std::cout << requests << " requests, " << injected << " faults injected, " << failed_runs
            << " sync runs failed (and were rerun)\n";
}

}  // namespace
}  // namespace spackext::faults
