// update-index rebuilds exactly the index Spack wrote, in every layout.
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "buildcache/index_store.hpp"
#include "file_store.hpp"
#include "spack_expectations.hpp"
#include "test_host.hpp"

namespace spackext::buildcache {
namespace {

using namespace test;
using spackext::testing::read_file;
using spackext::testing::TempDir;

std::string sha256sum(const fs::path& p) {
  auto r = spackext::testing::run({"/usr/bin/sha256sum", p.string()});
  return r.out.substr(0, 64);
}

TEST(UpdateIndex, V3RebuildEqualsSpackIndex) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  auto dir = writable_copy(src, tmp / "m");
  auto spack_index = v3_index(src);
  auto old_blob = v3_blob(manifest_file(src / "v3/manifests/index/index.manifest.json")["data"][0]["checksum"]);
  fs::remove(dir / "v3/manifests/index/index.manifest.json");
  fs::remove(dir / old_blob);
  mirrors::FileMirrorStore store(dir);
  auto published = update_indexes(store);
  ASSERT_EQ(published.size(), 1u);
  EXPECT_TRUE(published[0].changed);
  EXPECT_EQ(published[0].specs, in_buildcache(spack_index).size());
  // Same records (order-insensitive), same bytes even: Spack writes the same order.
  EXPECT_EQ(v3_index(dir), spack_index);
  EXPECT_EQ(read_file(dir / "v3/manifests/index/index.manifest.json"),
            read_file(src / "v3/manifests/index/index.manifest.json"));
  // The published manifest's checksum is the sha256 of the blob (checked with sha256sum).
  auto m = manifest_file(dir / "v3/manifests/index/index.manifest.json");
  EXPECT_EQ(sha256sum(dir / v3_blob(m["data"][0]["checksum"])), m["data"][0]["checksum"].get<std::string>());
  // A second run finds nothing to do.
  auto again = update_indexes(store);
  EXPECT_FALSE(again[0].changed);
}

TEST(UpdateIndex, V2RebuildEqualsSpackIndexAndHash) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v2-unsigned");
  TempDir tmp;
  auto dir = writable_copy(src, tmp / "m");
  fs::remove(dir / "build_cache/index.json");
  fs::remove(dir / "build_cache/index.json.hash");
  mirrors::FileMirrorStore store(dir);
  update_indexes(store);
  EXPECT_EQ(v2_index(dir), v2_index(src));
  EXPECT_EQ(read_file(dir / "build_cache/index.json.hash"), sha256sum(dir / "build_cache/index.json"));
}

TEST(UpdateIndex, OciRebuildEqualsSpackIndex) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  TempDir tmp;
  auto dir = writable_copy(src, tmp / "m");
  fs::remove(dir / "manifests/index.spack");
  mirrors::FileMirrorStore store(dir);
  update_indexes(store);
  EXPECT_EQ(oci_index(dir), oci_index(src));
  EXPECT_EQ(json_file(dir / "manifests/index.spack"), json_file(src / "manifests/index.spack"));
  // OCI indexes have no incremental path: asked for one, the update is a
  // full rebuild (here finding the index right), and says so.
  IndexUpdateOptions o;
  o.incremental = true;
  const auto again = update_indexes(store, o);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_FALSE(again[0].incremental);
  EXPECT_FALSE(again[0].changed);
  EXPECT_NE(again[0].full_reason.find("OCI"), std::string::npos) << again[0].full_reason;
}

TEST(UpdateIndex, RemovedSpecDisappearsFromTheIndex) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  auto dir = writable_copy(src, tmp / "m");
  fs::remove(dir / "v3/manifests/spec/peerhello/peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl.spec.manifest.json");
  mirrors::FileMirrorStore store(dir);
  update_indexes(store);
  auto idx = v3_index(dir);
  auto expected = in_buildcache(v3_index(src));
  expected.erase("5hn2gvdnbmne734ml6ionv2ba7cemxgl");
  EXPECT_EQ(in_buildcache(idx), expected);
}

// Issue 9.4: a manifest that cannot be parsed is an error naming it, never
// silently left out; with skip_broken it is reported and the rest indexed.
TEST(UpdateIndex, UnparsableManifestIsAnErrorOrReportedWhenSkipped) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  auto dir = writable_copy(src, tmp / "m");
  const std::string broken = "v3/manifests/spec/peerhello/peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl.spec.manifest.json";
  spackext::testing::write_file(dir / broken, "not json at all");
  const auto index_before = read_file(dir / "v3/manifests/index/index.manifest.json");
  mirrors::FileMirrorStore store(dir);
  try {
    update_indexes(store);
    ADD_FAILURE() << "indexed a mirror with an unparsable manifest";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), kExitFailure);
    EXPECT_NE(std::string(e.what()).find(broken), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(dir / "v3/manifests/index/index.manifest.json"), index_before);  // nothing published
  IndexUpdateOptions o;
  o.skip_broken = true;
  std::vector<std::string> reported;
  o.on_broken = [&](const Problem& p) { reported.push_back(p.object); };
  update_indexes(store, o);
  EXPECT_EQ(reported, std::vector<std::string>{broken});
  auto expected = in_buildcache(v3_index(src));
  expected.erase("5hn2gvdnbmne734ml6ionv2ba7cemxgl");
  EXPECT_EQ(in_buildcache(v3_index(dir)), expected);
}

// An entry whose tarball is gone is not complete: an index listing it would
// send every client to a missing object.
TEST(UpdateIndex, EntryWithoutItsTarballIsBroken) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  auto dir = writable_copy(src, tmp / "m");
  auto m = manifest_file(dir / "v3/manifests/spec/peerhello/peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl.spec.manifest.json");
  for (auto& r : m["data"])
    if (r["mediaType"].get<std::string>().find("install") != std::string::npos) fs::remove(dir / v3_blob(r["checksum"]));
  mirrors::FileMirrorStore store(dir);
  EXPECT_THROW(update_indexes(store), Error);
  IndexUpdateOptions o;
  o.skip_broken = true;
  update_indexes(store, o);
  EXPECT_FALSE(in_buildcache(v3_index(dir)).count("5hn2gvdnbmne734ml6ionv2ba7cemxgl"));
}

// Issue 9.8: a writer killed between index.json and index.json.hash leaves
// them disagreeing (Spack then refuses the index); the next update repairs
// the pair although index.json already holds the right content.
TEST(UpdateIndex, V2HashThatDisagreesWithIndexJsonIsRepaired) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v2-unsigned");
  TempDir tmp;
  auto dir = writable_copy(src, tmp / "m");
  spackext::testing::write_file(dir / "build_cache/index.json.hash", std::string(64, '0'));
  mirrors::FileMirrorStore store(dir);
  auto published = update_indexes(store);
  ASSERT_EQ(published.size(), 1u);
  EXPECT_TRUE(published[0].changed);
  EXPECT_EQ(read_file(dir / "build_cache/index.json.hash"), sha256sum(dir / "build_cache/index.json"));
  EXPECT_EQ(v2_index(dir), v2_index(src));
}

// An index manifest of the wrong shape (a damaged or hand-written mirror):
// an input error naming it, never a JSON type error (exit 1).
TEST(LoadIndex, DamagedIndexManifestIsAnInputError) {
  for (const auto& [key, text] : std::vector<std::pair<std::string, std::string>>{
           {"v3/manifests/index/index.manifest.json", R"({"data": 5})"},
           {"v3/manifests/index/index.manifest.json", R"({"data": [3]})"},
           {"v3/manifests/index/index.manifest.json", R"({"data": [{"checksum": 7}]})"},
           {"v3/manifests/index/index.manifest.json", R"([1])"},
           {"manifests/index.spack", R"({"layers": [{"digest": ["sha256:00"]}]})"},
           {"manifests/index.spack", R"({"layers": "x"})"}}) {
    TempDir tmp;
    spackext::testing::write_file(tmp / "m" / key, text);
    mirrors::FileMirrorStore store(tmp / "m");
    try {
      load_index(store);
      ADD_FAILURE() << key << ": " << text << " accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
}

TEST(UpdateIndex, ReadOnlyStoreIsRefused) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  mirrors::FileMirrorStore store(src, /*pushable=*/false);
  EXPECT_THROW(update_indexes(store), Error);
}

}  // namespace
}  // namespace spackext::buildcache
