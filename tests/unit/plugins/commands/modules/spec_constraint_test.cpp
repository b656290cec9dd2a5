#include <gtest/gtest.h>

#include <spackext/errors.hpp>
#include <spackext/spack/lockfile.hpp>
#include <spackext_testing/testing.hpp>

#include "spec_constraint.hpp"

namespace {

using spackext::modules::SpecConstraint;
using spackext::modules::version_satisfies;

TEST(SpecConstraint, VersionsSatisfyAsInSpack) {
  EXPECT_TRUE(version_satisfies("12.2.0", "12"));
  EXPECT_TRUE(version_satisfies("12.2.0", "12.2"));
  EXPECT_FALSE(version_satisfies("12.2.0", "12.20"));
  EXPECT_FALSE(version_satisfies("12.2.0", "=12.2"));
  EXPECT_TRUE(version_satisfies("12.2.0", "11:"));
  EXPECT_TRUE(version_satisfies("12.2.0", ":12"));
  EXPECT_FALSE(version_satisfies("12.2.0", "13:"));
  EXPECT_TRUE(version_satisfies("1.10", "1.9:1.10"));
}

TEST(SpecConstraint, MatchesTheFixtureSpecs) {
  SPACKEXT_REQUIRE_FIXTURE(lock, "fixtures/spack/env/spack.lock");
  auto set = spackext::spack::read_lockfile(lock);
  const auto& hello = set.at("5hn2gvdnbmne734ml6ionv2ba7cemxgl");
  const auto& lib = set.at("fe2xtrzeuj3aptrt5see46vcskdgwfht");
  const auto& mpi = set.at("52khzykl54qj6thnn2sikydwkxf5oeh5");
  auto m = [&](const std::string& text, const spackext::spack::ConcreteSpec& s) {
    return SpecConstraint::parse(text, "test").matches(s, &set);
  };
  EXPECT_TRUE(m("peerhello", hello));
  EXPECT_TRUE(m("peerhello@1.0 %gcc@12", hello));
  EXPECT_FALSE(m("peerhello %clang", hello));
  EXPECT_TRUE(m("^mpi", hello));  // through peerlib
  EXPECT_TRUE(m("^peermpi@1.0", lib));
  EXPECT_FALSE(m("^mpi", mpi));
  EXPECT_TRUE(m("mpi", mpi));  // a virtual matches its provider
  EXPECT_TRUE(m("+mpi", lib));
  EXPECT_FALSE(m("~mpi", lib));
  EXPECT_TRUE(m("target=x86_64_v4", lib));
  EXPECT_TRUE(m("build_system=generic", lib));
  EXPECT_TRUE(m("/fe2x", lib));
  EXPECT_FALSE(m("gcc-runtime", lib));
  EXPECT_THROW(SpecConstraint::parse("peer$lib", "modules.yaml:3"), spackext::InputError);
  EXPECT_THROW(SpecConstraint::parse("", "modules.yaml:3"), spackext::InputError);
}

}  // namespace
