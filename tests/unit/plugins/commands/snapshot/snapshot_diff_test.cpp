// Spec-by-spec diffs of the fixture lockfile against edited copies of itself.
#include <gtest/gtest.h>

#include "snapshot_diff.hpp"
#include "spackext/spack/lockfile.hpp"
#include "spackext_testing/testing.hpp"

namespace {

using namespace spackext::snapshot;

nlohmann::json fixture_lock() {
  auto path = spackext::testing::shared_fixture("fixtures/spack/env/spack.lock");
  return nlohmann::json::parse(spackext::testing::read_file(*path));
}

TEST(SnapshotDiff, SameLockfileIsAllSame) {
  SPACKEXT_REQUIRE_FIXTURE(lock, "fixtures/spack/env/spack.lock");
  auto set = spackext::spack::read_lockfile(lock);
  auto d = diff_specs(set, set);
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(d.same.size(), 7u);
}

TEST(SnapshotDiff, VersionVariantTargetChangesAddedAndRemoved) {
  SPACKEXT_REQUIRE_FIXTURE(lock, "fixtures/spack/env/spack.lock");
  auto before = fixture_lock();
  auto after = before;
  auto& specs = after["concrete_specs"];
  // peerlib: a new version and variant under a new hash; peermpi removed as a
  // root and a node; a new zlib node.
  auto peerlib = specs["fe2xtrzeuj3aptrt5see46vcskdgwfht"];
  specs.erase("fe2xtrzeuj3aptrt5see46vcskdgwfht");
  peerlib["version"] = "1.1";
  peerlib["parameters"]["shared"] = true;
  peerlib["arch"]["target"] = "zen4";
  peerlib["hash"] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  specs["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"] = peerlib;
  auto zlib = specs["uetbtlo5yobcgprdwflxunpfozgfoktw"];
  zlib["name"] = "zlib";
  zlib["version"] = "1.3.1";
  zlib["hash"] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  specs["bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"] = zlib;
  specs.erase("52khzykl54qj6thnn2sikydwkxf5oeh5");
  after["roots"].erase(1);
  auto d = diff_specs(spackext::spack::parse_lockfile(before, "a"), spackext::spack::parse_lockfile(after, "b"));
  ASSERT_EQ(d.added.size(), 1u);
  EXPECT_EQ(d.added[0].to_string(), "zlib@1.3.1 /bbbbbbb");
  ASSERT_EQ(d.removed.size(), 1u);
  EXPECT_EQ(d.removed[0].name, "peermpi");
  ASSERT_EQ(d.changed.size(), 1u);
  std::map<std::string, std::string> changes(d.changed[0].changes.begin(), d.changed[0].changes.end());
  EXPECT_EQ(changes["version"], "1.0 -> 1.1");
  EXPECT_EQ(changes["target"], "x86_64_v4 -> zen4");
  EXPECT_NE(changes["variants"].find("+shared"), std::string::npos);
  EXPECT_EQ(d.roots_removed, std::vector<std::string>{"peermpi@1.0"});
  EXPECT_EQ(d.same.size(), 5u);
  auto j = d.to_json();
  EXPECT_EQ(j["changed"][0]["changes"]["version"], "1.0 -> 1.1");
}

}  // namespace
