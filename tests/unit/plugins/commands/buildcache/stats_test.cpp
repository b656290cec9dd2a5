// `stats` on Spack's fixtures: counts from Spack's indexes, no orphans or
// missing blobs; orphans and stale indexes in modified copies.
#include <gtest/gtest.h>

#include "buildcache/stats.hpp"
#include "file_store.hpp"
#include "spack_expectations.hpp"
#include "test_host.hpp"

namespace spackext::buildcache {
namespace {

using namespace test;
using spackext::testing::TempDir;

MirrorStats stats_of(const fs::path& dir) {
  mirrors::FileMirrorStore store(dir);
  return compute_stats(scan_mirror(store));
}

TEST(Stats, FixturesAreCompleteAndCurrent) {
  for (const char* rel : kFixtureMirrors) {
    SPACKEXT_REQUIRE_FIXTURE(dir, rel);
    auto s = stats_of(dir);
    std::string r(rel);
    auto index = r.find("oci") != std::string::npos  ? oci_index(dir)
                 : r.find("v3") != std::string::npos ? v3_index(dir)
                                                     : v2_index(dir);
    EXPECT_EQ(s.spec_count, in_buildcache(index).size()) << rel;
    EXPECT_TRUE(s.orphan_blobs.empty()) << rel << ": " << (s.orphan_blobs.empty() ? "" : s.orphan_blobs[0]);
    EXPECT_TRUE(s.missing_blobs.empty()) << rel;
    for (const auto& i : s.indexes) EXPECT_TRUE(i.current) << rel << " " << i.key;
    EXPECT_FALSE(s.indexes.empty());
    // Package names and counts as Spack's index has them.
    std::map<std::string, std::size_t> by_name;
    for (auto& [h, rec] : index["database"]["installs"].items())
      if (rec["in_buildcache"].get<bool>()) ++by_name[rec["spec"]["name"].get<std::string>()];
    ASSERT_EQ(s.by_package.size(), by_name.size());
    for (const auto& [name, n] : by_name) EXPECT_EQ(s.by_package.at(name).specs, n);
    std::set<std::string> expected_compilers;
    auto cs = compilers(index);
    for (const auto& h : in_buildcache(index)) expected_compilers.insert(cs[h].empty() ? "none" : cs[h]);
    std::set<std::string> got;
    for (const auto& [k, v] : s.by_compiler) got.insert(k);
    EXPECT_EQ(got, expected_compilers) << rel;
    std::uint64_t total = 0;
    for (auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file()) total += e.file_size();
    EXPECT_EQ(s.total_bytes, total);
    ASSERT_TRUE(s.oldest && s.newest);
    EXPECT_LE(s.oldest->time, s.newest->time);
  }
}

TEST(Stats, OrphanMissingAndStaleIndex) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  auto dir = writable_copy(src, tmp / "m");
  const std::string orphan = v3_blob(std::string(64, 'a'));
  spackext::testing::write_file(dir / orphan, "stray");
  // Remove peermpi's manifest: its two blobs become orphans and the index stale.
  fs::remove(dir / "v3/manifests/spec/peermpi/peermpi-1.0-52khzykl54qj6thnn2sikydwkxf5oeh5.spec.manifest.json");
  // Remove peerhello's tarball: it becomes missing.
  const auto missing = v3_blob("1048eac5631ea92441a5b502db03067076c2e3d08d35a89f3a22bdb86701cc37");
  fs::remove(dir / missing);
  auto s = stats_of(dir);
  EXPECT_EQ(s.spec_count, 2u);
  EXPECT_NE(std::find(s.orphan_blobs.begin(), s.orphan_blobs.end(), orphan), s.orphan_blobs.end());
  EXPECT_NE(std::find(s.orphan_blobs.begin(), s.orphan_blobs.end(),
                      v3_blob("28ce71fa6077fe43c2159d4324a186fac22ec0b39ef488fe047688636ca03d02")),
            s.orphan_blobs.end());
  EXPECT_EQ(s.orphan_blobs.size(), 3u);
  EXPECT_EQ(s.missing_blobs, std::vector<std::string>{missing});
  ASSERT_EQ(s.indexes.size(), 1u);
  EXPECT_FALSE(s.indexes[0].current);
  auto j = s.to_json();
  EXPECT_EQ(j["spec_count"], 2);
  EXPECT_EQ(j["indexes"][0]["current"], false);
}

}  // namespace
}  // namespace spackext::buildcache
