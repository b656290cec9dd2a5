// End to end through the host: a mirror configured like Spack's mirrors.yaml
// (endpoint_url, access_pair variables), synced from a Spack fixture into
// s3rver, then listed and verified over S3.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "s3rver.hpp"

namespace {

using spackext::testing::run_host;
using spackext::testing::TempDir;

TEST(S3Cli, AddMirrorSyncListVerifyWithCredentialsFromVariables) {
  SPACKEXT_REQUIRE_S3RVER();
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v2-and-v3-migrated-signed");
  TempDir home;
  spackext::test::S3rver server(home.path(), "buildcache");
  ASSERT_TRUE(server.ready()) << server.failure();
  spackext::testing::RunOptions env;
  env.env = {{"CI_S3_ID", "S3RVER"}, {"CI_S3_SECRET", "S3RVER"}};
  env.unset_env = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "S3_ENDPOINT_URL"};
  auto add = run_host({"buildcache", "add-mirror", "ci", "s3://buildcache/spack", "--endpoint-url", server.endpoint(),
                       "--s3-access-key-id-variable", "CI_S3_ID", "--s3-access-key-secret-variable", "CI_S3_SECRET"},
                      home.path(), env);
  ASSERT_EQ(add.exit_code, 0) << add.err;
  auto sync = run_host({"--json", "buildcache", "sync", src.string(), "ci", "--jobs", "4"}, home.path(), env);
  ASSERT_EQ(sync.exit_code, 0) << sync.out << sync.err;
  EXPECT_GT(nlohmann::json::parse(sync.out)["copied"].get<int>(), 0);
  auto list = run_host({"--json", "buildcache", "list", "ci"}, home.path(), env);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const auto listed = nlohmann::json::parse(list.out);
  EXPECT_EQ(listed["specs"].size(), 3u);  // peerhello, peerlib, peermpi (fixtures README)
  auto verify = run_host({"buildcache", "verify", "ci", "--no-signatures"}, home.path(), env);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto again = run_host({"--json", "buildcache", "sync", src.string(), "ci"}, home.path(), env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out)["copied"], 0);
  // Without the variables the mirror cannot be used, and the error says which is missing.
  spackext::testing::RunOptions no_env;
  no_env.unset_env = {"CI_S3_ID", "CI_S3_SECRET"};
  auto denied = run_host({"buildcache", "list", "ci"}, home.path(), no_env);
  EXPECT_EQ(denied.exit_code, 2);
  EXPECT_NE(denied.err.find("CI_S3_ID"), std::string::npos) << denied.err;
}

}  // namespace
