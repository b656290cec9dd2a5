// Integer-tuple versions with archspec's quirks.
#include <gtest/gtest.h>
#include <spackext/errors.hpp>
#include <spackext/microarch/compiler_version.hpp>

namespace {

namespace ma = spackext::microarch;

bool in(const char* range, const char* version) {
  return ma::parse_range(range, "test").contains(*ma::parse_version(version));
}

TEST(CompilerVersion, ParsesDigitsAndDotsOnly) {
  EXPECT_EQ(*ma::parse_version("13.2.0"), (ma::VersionTuple{13, 2, 0}));
  EXPECT_EQ(*ma::parse_version("23.04.0"), (ma::VersionTuple{23, 4, 0}));
  for (const char* bad : {"", "13.", ".13", "13..2", "13.2-rc1", "v13", "13.x", "+1"})
    EXPECT_FALSE(ma::parse_version(bad)) << bad;
}

TEST(CompilerVersion, RangesAreInclusiveIntegerTuples) {
  EXPECT_TRUE(in("10.3:12.2", "10.3"));
  EXPECT_TRUE(in("10.3:12.2", "12.2"));
  EXPECT_FALSE(in("10.3:12.2", "12.2.1"));  // (12,2,1) > (12,2)
  EXPECT_FALSE(in("13.0:", "13"));          // (13) < (13,0)
  EXPECT_TRUE(in(":4.1.2", "4.1.1"));
  EXPECT_TRUE(in(":", "1"));
  EXPECT_TRUE(in("12.3:", "100"));
}

TEST(CompilerVersion, MalformedRangeNamesWhere) {
  EXPECT_THROW(ma::parse_range("12.3", "table:7"), spackext::InputError);
  EXPECT_THROW(ma::parse_range("a:b", "table:7"), spackext::InputError);
  EXPECT_THROW(ma::parse_range("1:2:3", "table:7"), spackext::InputError);
}

}  // namespace
