// A sync to and from a real S3 server (s3rver) through a proxy that answers
// 10 % of requests with a 503, drops 5 % of responses before their body and
// 3 % half-way, and flips a byte in 3 % of bodies either way. A sync may fail
// (exit 1) and is rerun; once it succeeds, nothing is lost or corrupt: the
// bucket (read without the proxy) verifies and lists exactly the fixture's
// specs, and a copy back holds every object byte for byte.
#include <gtest/gtest.h>

#include "network_campaign.hpp"
#include "s3rver.hpp"

namespace spackext::faults {
namespace {

using spackext::testing::TempDir;

TEST(BuildcacheS3Faults, SyncThroughAFaultyNetworkLosesAndCorruptsNothing) {
  SPACKEXT_REQUIRE_S3RVER();
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir home;
  spackext::test::S3rver server(home.path(), "buildcache");  // one server; a mirror per trial
  ASSERT_TRUE(server.ready()) << server.failure();
  spackext::testing::RunOptions env;
  env.env = {{"AWS_ACCESS_KEY_ID", "S3RVER"}, {"AWS_SECRET_ACCESS_KEY", "S3RVER"}};
  env.unset_env = {"AWS_PROFILE", "S3_ENDPOINT_URL"};
  NetworkTally tally;
  for (int t = 0, n = trials(1); t < n; ++t) {
    const auto trial = "trial " + std::to_string(t);
    spackext::testing::FaultProxy proxy(server.endpoint(), network_faults(t));
    const auto faulty = "faulty" + std::to_string(t), direct = "direct" + std::to_string(t);
    for (const auto& [name, endpoint] : {std::pair{faulty, proxy.endpoint()}, {direct, server.endpoint()}}) {
      auto add = spackext::testing::run_host({"buildcache", "add-mirror", name, "s3://buildcache/t" + std::to_string(t),
                                              "--endpoint-url", endpoint},
                                             home.path(), env);
      ASSERT_EQ(add.exit_code, 0) << add.err;
    }
    int failures = 0;
    const auto back = home / ("back" + std::to_string(t));
    ASSERT_NO_FATAL_FAILURE(sync_up_and_back(proxy, src.string(), faulty, direct, back, in_buildcache(v3_index_blob(src)),
                                             home.path(), env, failures, trial));
    EXPECT_EQ(published(back), published(src)) << trial;
    expect_same_files(src, back, trial);
    tally.add(proxy, failures);
  }
  tally.report();
}

}  // namespace
}  // namespace spackext::faults
