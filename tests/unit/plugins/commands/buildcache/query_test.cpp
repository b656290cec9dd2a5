#include <gtest/gtest.h>

#include "buildcache/query.hpp"
#include <spackext/errors.hpp>

namespace spackext::buildcache {
namespace {

SpecNode node() {
  SpecNode n;
  n.name = "peerhello";
  n.version = "1.0";
  n.platform = "linux";
  n.os = "debian12";
  n.target = "x86_64_v4";
  n.compiler_name = "gcc";
  n.compiler_version = "12.2.0";
  n.hash = "5hn2gvdnbmne734ml6ionv2ba7cemxgl";
  return n;
}

TEST(Query, Terms) {
  auto n = node();
  for (const char* q : {"", "peerhello", "peer*", "peerhello@1", "peerhello@1.0", "@1.0", "%gcc", "%gcc@12",
                        "%gcc@12.2.0", "arch=linux-debian12-x86_64_v4", "target=x86_64_v4", "os=debian12",
                        "platform=linux", "/5hn2", "/5hn2gvdnbmne734ml6ionv2ba7cemxgl", "peerhello%gcc@12/5hn",
                        "peerhello arch=linux-*-x86_64*"})
    EXPECT_TRUE(SpecQuery::parse(q).matches(n)) << q;
  for (const char* q : {"peerlib", "peerhello@2", "@1.01", "%clang", "%gcc@11", "target=aarch64", "/abc",
                        "peerhello os=debian11", "peer"})
    EXPECT_FALSE(SpecQuery::parse(q).matches(n)) << q;
}

TEST(Query, BadTermsAreInputErrors) {
  for (const char* q : {"foo=bar", "peerhello@", "%", "/", "/ab-c", "arch="})
    EXPECT_THROW(SpecQuery::parse(q), InputError) << q;
}

TEST(Query, Glob) {
  EXPECT_TRUE(glob_match("a*c", "abbbc"));
  EXPECT_TRUE(glob_match("a?c", "abc"));
  EXPECT_FALSE(glob_match("a?c", "abbc"));
  EXPECT_TRUE(glob_match("*", ""));
}

}  // namespace
}  // namespace spackext::buildcache
