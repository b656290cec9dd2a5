// Scanning every Spack-made fixture mirror: entries, layouts, tarball
// checksums and indexes match what Spack's own files say.
#include <gtest/gtest.h>

#include "buildcache/catalog.hpp"
#include "file_store.hpp"
#include "spack_expectations.hpp"

namespace spackext::buildcache {
namespace {

using namespace test;

std::set<std::string> hashes(const Catalog& c, Layout l) {
  std::set<std::string> out;
  for (const auto& e : c.entries)
    if (e.layout == l) out.insert(e.spec.hash);
  return out;
}

Catalog scan_dir(const fs::path& dir) {
  mirrors::FileMirrorStore store(dir);
  return scan_mirror(store);
}

TEST(Catalog, V3MirrorsMatchSpackIndexAndManifests) {
  for (const char* rel : {"fixtures/spack/buildcache-v3-signed", "fixtures/spack/buildcache-v3-unsigned"}) {
    SPACKEXT_REQUIRE_FIXTURE(dir, rel);
    auto cat = scan_dir(dir);
    EXPECT_TRUE(cat.problems.empty()) << cat.problems.front().object << ": " << cat.problems.front().message;
    EXPECT_EQ(cat.layouts, std::set<Layout>{Layout::v3});
    EXPECT_EQ(hashes(cat, Layout::v3), in_buildcache(v3_index(dir))) << rel;
    auto tarballs = v3_tarballs(dir);
    auto expected_compilers = compilers(v3_index(dir));
    ASSERT_EQ(tarballs.size(), cat.entries.size());
    for (const auto& e : cat.entries) {
      ASSERT_TRUE(tarballs.count(e.tarball.key)) << e.tarball.key;
      EXPECT_EQ(e.tarball.sha256, tarballs[e.tarball.key]);
      EXPECT_EQ(e.signed_, std::string(rel).find("-signed") != std::string::npos);
      EXPECT_EQ(e.spec.compiler(), expected_compilers.at(e.spec.hash)) << e.spec.name;
    }
    ASSERT_EQ(cat.indexes.size(), 1u);
    EXPECT_TRUE(cat.indexes[0].error.empty()) << cat.indexes[0].error;
  }
}

TEST(Catalog, V2MirrorsMatchSpackIndexAndSpecFileChecksums) {
  for (const char* rel : {"fixtures/spack/buildcache-v2-signed", "fixtures/spack/buildcache-v2-unsigned"}) {
    SPACKEXT_REQUIRE_FIXTURE(dir, rel);
    auto cat = scan_dir(dir);
    EXPECT_TRUE(cat.problems.empty());
    EXPECT_EQ(cat.layouts, std::set<Layout>{Layout::v2});
    EXPECT_EQ(hashes(cat, Layout::v2), in_buildcache(v2_index(dir)));
    auto sums = v2_checksums(dir);
    for (const auto& e : cat.entries) {
      EXPECT_EQ(e.tarball.sha256, sums.at(e.spec.hash));
      EXPECT_TRUE(fs::exists(dir / e.tarball.key)) << e.tarball.key;
    }
    ASSERT_EQ(cat.indexes.size(), 1u);
    // index.json.hash holds the sha256 of index.json (first 64 bytes).
    EXPECT_EQ(cat.indexes[0].blob->sha256, spackext::testing::read_file(dir / "build_cache/index.json.hash").substr(0, 64));
    EXPECT_EQ(cat.public_keys.size(), std::string(rel).find("-signed") != std::string::npos ? 1u : 0u);
  }
}

TEST(Catalog, MigratedMirrorHoldsBothLayoutsWithTheSameSpecs) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/buildcache-v2-and-v3-migrated-signed");
  auto cat = scan_dir(dir);
  EXPECT_TRUE(cat.problems.empty());
  EXPECT_EQ(cat.layouts, (std::set<Layout>{Layout::v2, Layout::v3}));
  EXPECT_EQ(hashes(cat, Layout::v3), in_buildcache(v3_index(dir)));
  EXPECT_EQ(hashes(cat, Layout::v2), in_buildcache(v2_index(dir)));
  EXPECT_EQ(cat.unique_entries().size(), in_buildcache(v3_index(dir)).size());
  EXPECT_EQ(cat.indexes.size(), 2u);
}

TEST(Catalog, OciDumpMatchesSpackTagsAndConfigs) {
  SPACKEXT_REQUIRE_FIXTURE(repo, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  auto cat = scan_dir(repo);
  EXPECT_TRUE(cat.problems.empty()) << cat.problems.front().message;
  EXPECT_EQ(cat.layouts, std::set<Layout>{Layout::oci});
  auto tags = json_file(repo / "tags/list")["tags"];
  EXPECT_EQ(cat.entries.size(), tags.size() - 1);  // all but index.spack
  EXPECT_EQ(hashes(cat, Layout::oci), in_buildcache(oci_index(repo)));
  for (const auto& e : cat.entries) {
    auto manifest = json_file(repo / e.metadata_key);
    auto config = json_file(repo / ("blobs/sha256/" + manifest["config"]["digest"].get<std::string>().substr(7)));
    EXPECT_EQ(e.tarball.sha256, config["binary_cache_checksum"]["hash"]);
    EXPECT_EQ(oci_tag(e.spec), e.metadata_key.substr(std::string("manifests/").size()));
  }
}

TEST(Catalog, MalformedSpecManifestIsReportedByName) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  spackext::testing::TempDir tmp;
  fs::copy(src, tmp / "m", fs::copy_options::recursive);
  auto bad = tmp / "m/v3/manifests/spec/peerlib/peerlib-1.0-fe2xtrzeuj3aptrt5see46vcskdgwfht.spec.manifest.json";
  fs::permissions(bad.parent_path(), fs::perms::owner_all, fs::perm_options::add);
  fs::remove(bad);
  spackext::testing::write_file(bad, "{\"version\":3,\"data\":[{\"mediaType\":1");
  auto cat = scan_dir(tmp / "m");
  ASSERT_EQ(cat.problems.size(), 1u);
  EXPECT_EQ(cat.problems[0].object, "v3/manifests/spec/peerlib/peerlib-1.0-fe2xtrzeuj3aptrt5see46vcskdgwfht.spec.manifest.json");
  EXPECT_NE(cat.problems[0].message.find("malformed JSON"), std::string::npos);
  EXPECT_EQ(cat.entries.size(), 2u);
}

}  // namespace
}  // namespace spackext::buildcache
