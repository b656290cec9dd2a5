#include <gtest/gtest.h>

#include "challenge.hpp"

namespace spackext::mirrors::oci {
namespace {

TEST(WwwAuthenticate, DockerBearerChallenge) {
  auto c = parse_challenges(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull,push")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "bearer");
  EXPECT_EQ(c[0].param("realm"), "https://auth.docker.io/token");
  EXPECT_EQ(c[0].param("service"), "registry.docker.io");
  EXPECT_EQ(c[0].param("scope"), "repository:library/ubuntu:pull,push");  // the comma is inside quotes
}

TEST(WwwAuthenticate, BasicAndSeveralChallenges) {
  auto c = parse_challenges(R"(Basic realm="ci-registry", Bearer realm="https://t/x", error="invalid_token")");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].scheme, "basic");
  EXPECT_EQ(c[0].param("realm"), "ci-registry");
  EXPECT_EQ(c[1].param("error"), "invalid_token");
  auto unquoted = parse_challenges("BASIC Realm=registry");
  ASSERT_EQ(unquoted.size(), 1u);
  EXPECT_EQ(unquoted[0].param("realm"), "registry");
  EXPECT_TRUE(parse_challenges("").empty());
}

}  // namespace
}  // namespace spackext::mirrors::oci
