// Compatibility ranges in Spack's inclusive, prefix-bounded form.
#include <gtest/gtest.h>

#include <stdexcept>

#include "compatibility_range.hpp"

namespace {

using spackext::package::intersect;
using spackext::package::parse_compatibility;

TEST(CompatibilityRange, PythonStyleClauses) {
  EXPECT_EQ(parse_compatibility(">=3.9,<3.13").to_spack(), "3.9:3.12");
  EXPECT_EQ(parse_compatibility(">=1.20").to_spack(), "1.20:");
  EXPECT_EQ(parse_compatibility("<2").to_spack(), ":1");
  EXPECT_EQ(parse_compatibility("<2.0").to_spack(), ":1");
  EXPECT_EQ(parse_compatibility("<1.10.1").to_spack(), ":1.10.0");
  EXPECT_EQ(parse_compatibility("<=3.12").to_spack(), ":3.12");
  EXPECT_EQ(parse_compatibility("==3.11").to_spack(), "3.11");
  EXPECT_EQ(parse_compatibility("~=1.4.2").to_spack(), "1.4.2:1.4");
  EXPECT_EQ(parse_compatibility("3.9:3.12").to_spack(), "3.9:3.12");
  EXPECT_EQ(parse_compatibility("@3.9:").to_spack(), "3.9:");
}

TEST(CompatibilityRange, Refusals) {
  EXPECT_THROW(parse_compatibility(">3.9"), std::invalid_argument);
  EXPECT_THROW(parse_compatibility("!=3.9"), std::invalid_argument);
  EXPECT_THROW(parse_compatibility(">=3.13,<3.9"), std::invalid_argument);
  EXPECT_THROW(parse_compatibility("<0"), std::invalid_argument);
  EXPECT_THROW(parse_compatibility(""), std::invalid_argument);
  EXPECT_THROW(parse_compatibility(">=three"), std::invalid_argument);
}

TEST(CompatibilityRange, Intersections) {
  auto a = parse_compatibility(">=3.9,<3.13"), b = parse_compatibility(">=3.10");
  EXPECT_EQ(intersect(a, b)->to_spack(), "3.10:3.12");
  EXPECT_FALSE(intersect(a, parse_compatibility(">=3.13")).has_value());
  // An upper bound admits its sub-versions: 3.12.4 is within :3.12.
  EXPECT_EQ(intersect(a, parse_compatibility("3.12.4:"))->to_spack(), "3.12.4:3.12");
  EXPECT_EQ(intersect(parse_compatibility(":3.12"), parse_compatibility(":3.12.2"))->to_spack(), ":3.12.2");
}

}  // namespace
