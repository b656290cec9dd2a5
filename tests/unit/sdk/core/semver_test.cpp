#include <gtest/gtest.h>

#include "spackext/semver.hpp"

using spackext::SemVer;
using spackext::VersionRange;

TEST(SemVer, ParsesStrictVersions) {
  auto v = SemVer::parse("1.2.3-rc.1+build.5");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->major, 1u);
  EXPECT_EQ(v->minor, 2u);
  EXPECT_EQ(v->patch, 3u);
  EXPECT_EQ(v->prerelease, (std::vector<std::string>{"rc", "1"}));
  EXPECT_EQ(v->build, "build.5");
  EXPECT_EQ(v->str(), "1.2.3-rc.1+build.5");
}

TEST(SemVer, RejectsMalformedVersions) {
  for (const char* bad : {"", "1", "1.2", "1.2.3.4", "01.2.3", "1.2.x", "a.b.c", "1.2.3-", "1.2.3-01", "1.2.3+", "-1.2.3"})
    EXPECT_FALSE(SemVer::parse(bad)) << bad;
}

TEST(SemVer, OrdersAsSemverSpecifies) {
  // The example chain from semver.org section 11.
  const char* chain[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                         "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"};
  for (std::size_t i = 0; i + 1 < std::size(chain); ++i)
    EXPECT_LT(*SemVer::parse(chain[i]), *SemVer::parse(chain[i + 1])) << chain[i] << " < " << chain[i + 1];
  EXPECT_LT(*SemVer::parse("1.9.0"), *SemVer::parse("1.10.0"));
  EXPECT_EQ(*SemVer::parse("1.0.0+a"), *SemVer::parse("1.0.0+b"));  // build metadata is ignored
}

static bool in(const char* range, const char* version) {
  return VersionRange::parse(range).contains(*SemVer::parse(version));
}

TEST(VersionRange, Comparators) {
  EXPECT_TRUE(in(">=1.0.0 <2.0.0", "1.5.0"));
  EXPECT_FALSE(in(">=1.0.0 <2.0.0", "2.0.0"));
  EXPECT_FALSE(in(">=1.0.0 <2.0.0", "2.0.0-rc.1"));  // pre-releases of the excluded line stay out
  EXPECT_TRUE(in(">1.0.0", "1.0.1"));
  EXPECT_FALSE(in(">1.0.0", "1.0.0"));
  EXPECT_TRUE(in("<=1.2.3", "1.2.3"));
  EXPECT_TRUE(in("=1.2.3", "1.2.3"));
  EXPECT_FALSE(in("1.2.3", "1.2.4"));
}

TEST(VersionRange, PartialVersionsAndWildcards) {
  EXPECT_TRUE(in("1", "1.9.9"));
  EXPECT_FALSE(in("1", "2.0.0"));
  EXPECT_TRUE(in("1.2", "1.2.7"));
  EXPECT_FALSE(in("1.2", "1.3.0"));
  EXPECT_TRUE(in("1.x", "1.4.0"));
  EXPECT_TRUE(in("*", "0.0.1"));
  EXPECT_TRUE(in("", "3.0.0"));
  EXPECT_TRUE(in(">1.2", "1.3.0"));
  EXPECT_FALSE(in(">1.2", "1.2.9"));
  EXPECT_TRUE(in("<=1.2", "1.2.9"));
  EXPECT_FALSE(in("<=1.2", "1.3.0"));
}

TEST(VersionRange, CaretAndTilde) {
  EXPECT_TRUE(in("^1.2.3", "1.9.0"));
  EXPECT_FALSE(in("^1.2.3", "2.0.0"));
  EXPECT_FALSE(in("^1.2.3", "1.2.2"));
  EXPECT_TRUE(in("^0.2.3", "0.2.9"));
  EXPECT_FALSE(in("^0.2.3", "0.3.0"));
  EXPECT_TRUE(in("^0.0.3", "0.0.3"));
  EXPECT_FALSE(in("^0.0.3", "0.0.4"));
  EXPECT_TRUE(in("~1.2.3", "1.2.9"));
  EXPECT_FALSE(in("~1.2.3", "1.3.0"));
  EXPECT_TRUE(in("~1", "1.9.0"));
}

TEST(VersionRange, PreReleasesOnlyWhenNamed) {
  EXPECT_FALSE(in(">=1.0.0", "1.5.0-beta.1"));
  EXPECT_TRUE(in(">=1.5.0-beta.1", "1.5.0-beta.2"));
  EXPECT_FALSE(in(">=1.5.0-beta.1", "1.6.0-beta.1"));
  EXPECT_FALSE(in("*", "1.0.0-rc.1"));
}

TEST(VersionRange, Alternatives) {
  EXPECT_TRUE(in("^1.0.0 || ^3.0.0", "3.1.0"));
  EXPECT_FALSE(in("^1.0.0 || ^3.0.0", "2.1.0"));
}

TEST(VersionRange, RejectsGarbageNamingTheToken) {
  try {
    VersionRange::parse(">=1.0.0 <banana");
    FAIL() << "expected an exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'<banana'"), std::string::npos) << e.what();
  }
}
