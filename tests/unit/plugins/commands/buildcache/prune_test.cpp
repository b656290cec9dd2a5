// prune on copies of Spack's fixtures: cascade to a fixpoint, keep-list
// wins, orphans, and nothing newer than the prune's start is touched.
#include <gtest/gtest.h>

#include <spackext/errors.hpp>
#include <spackext_testing/testing.hpp>

#include "buildcache/prune.hpp"
#include "file_store.hpp"
#include "spack_expectations.hpp"
#include "test_host.hpp"

namespace spackext::buildcache {
namespace {

using namespace test;
using spackext::testing::TempDir;
using namespace std::chrono_literals;

const char* kMpi = "v3/manifests/spec/peermpi/peermpi-1.0-52khzykl54qj6thnn2sikydwkxf5oeh5.spec.manifest.json";
const char* kHello = "v3/manifests/spec/peerhello/peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl.spec.manifest.json";

// The real file store that records, at its first delete, which specs the
// published index lists then: what a reader sees while a prune deletes.
class IndexAtFirstDelete final : public ForwardingStore {
 public:
  IndexAtFirstDelete(MirrorStore& inner, fs::path dir) : ForwardingStore(inner), dir_(std::move(dir)) {}
  void remove(std::string_view k) override {
    if (!listed) listed = in_buildcache(v3_index(dir_));
    inner_.remove(k);
  }
  std::optional<std::set<std::string>> listed;

 private:
  fs::path dir_;
};

// A copy of `src` pushed a day ago, whose entry `old` is 100 days old.
fs::path aged_copy(const fs::path& src, const fs::path& to, const char* old) {
  auto dir = writable_copy(src, to);
  age_all(dir, 24h);
  if (old) age(dir / old, 100 * 24h);
  return dir;
}

TEST(Prune, OldDependencyTakesItsDependentsToAFixpoint) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  auto dir = aged_copy(src, tmp / "m", kMpi);
  mirrors::FileMirrorStore store(dir);
  PruneOptions o;
  o.older_than = 30 * 24h;
  auto r = prune_mirror(store, o);
  // peerlib links peermpi and peerhello links peerlib (Spack's spec files): all three go.
  EXPECT_EQ(r.specs.size(), 3u);
  EXPECT_GE(r.cascade_rounds, 2);
  EXPECT_FALSE(fs::exists(dir / "v3/manifests/spec/peerlib"));
  EXPECT_TRUE(in_buildcache(v3_index(dir)).empty());
  EXPECT_FALSE(fs::exists(dir / v3_blob("736c65b2bb7507ed01f29d53bbade8eb3df010c6e5e935ec7ad33f9bc7593394")));
}

TEST(Prune, KeepListWinsOverTheCascade) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  SPACKEXT_REQUIRE_FIXTURE(lock, "fixtures/spack/env/spack.lock");
  TempDir tmp;
  auto dir = writable_copy(src, tmp / "m");
  age(dir / kMpi, 100 * 24h);
  mirrors::FileMirrorStore store(dir);
  PruneOptions o;
  o.older_than = 30 * 24h;
  o.keep = lockfile_hashes(lock);
  EXPECT_TRUE(o.keep.count("5hn2gvdnbmne734ml6ionv2ba7cemxgl"));  // peerhello, a root of the lock
  EXPECT_EQ(o.keep.size(), 7u);  // the lock's 7 concrete specs (its README)
  auto r = prune_mirror(store, o);
  EXPECT_TRUE(r.specs.empty());
  EXPECT_FALSE(r.kept.empty());
  EXPECT_TRUE(fs::exists(dir / kMpi));
}

// A keep-list that cannot be read whole is refused: a hash missed would be
// pruned although the environment needs it.
TEST(Prune, DamagedKeepLockfileIsRefused) {
  TempDir tmp;
  for (const std::string text :
       {R"({"_meta": {"file-type": "spack-lockfile", "lockfile-version": 6}, "roots": [{"hash": 5}], "concrete_specs": []})",
        R"({"_meta": "spack-lockfile", "concrete_specs": {}})", R"({"_meta": {"file-type": 1}})", "[1, 2"}) {
    spackext::testing::write_file(tmp / "spack.lock", text);
    EXPECT_THROW(lockfile_hashes(tmp / "spack.lock"), spackext::InputError) << text;
  }
}

TEST(Prune, LeafGoesAloneAndDryRunDeletesNothing) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  auto dir = aged_copy(src, tmp / "m", kHello);
  mirrors::FileMirrorStore store(dir);
  PruneOptions o;
  o.older_than = 30 * 24h;
  o.dry_run = true;
  auto plan = prune_mirror(store, o);
  EXPECT_EQ(plan.specs.size(), 1u);
  EXPECT_TRUE(fs::exists(dir / kHello));
  o.dry_run = false;
  auto r = prune_mirror(store, o);
  EXPECT_EQ(r.keys, plan.keys);
  EXPECT_FALSE(fs::exists(dir / kHello));
  auto left = in_buildcache(v3_index(dir));
  EXPECT_EQ(left, (std::set<std::string>{"fe2xtrzeuj3aptrt5see46vcskdgwfht", "52khzykl54qj6thnn2sikydwkxf5oeh5"}));
}

TEST(Prune, OrphansButNothingNewerThanTheStart) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v2-unsigned");
  TempDir tmp;
  auto dir = writable_copy(src, tmp / "m");
  const auto old_orphan = "build_cache/linux-debian12-x86_64_v4/gcc-12.2.0/x-1.0/old.spack";
  const auto new_orphan = "build_cache/linux-debian12-x86_64_v4/gcc-12.2.0/x-1.0/new.spack";
  spackext::testing::write_file(dir / old_orphan, "old");
  age(dir / old_orphan, 48h);
  spackext::testing::write_file(dir / new_orphan, "new");
  mirrors::FileMirrorStore store(dir);
  PruneOptions o;
  o.orphans = true;
  o.start = std::chrono::system_clock::now() - 1h;  // the new orphan appeared after "start"
  auto r = prune_mirror(store, o);
  EXPECT_EQ(r.keys, std::vector<std::string>{old_orphan});
  EXPECT_EQ(r.skipped_new, std::vector<std::string>{new_orphan});
  EXPECT_TRUE(fs::exists(dir / new_orphan));
  EXPECT_EQ(in_buildcache(v2_index(dir)), in_buildcache(v2_index(src)));
}

// Issue 9.2: a blob uploaded a few minutes ago whose manifest is not written
// yet (a push in progress) is not an orphan during the grace period.
TEST(Prune, YoungOrphanSurvivesTheGracePeriod) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  auto dir = aged_copy(src, tmp / "m", nullptr);
  const std::string pushing = v3_blob(std::string(64, 'a'));
  spackext::testing::write_file(dir / pushing, "a blob whose manifest comes next");
  age(dir / pushing, 10min);  // uploaded ten minutes before the prune
  mirrors::FileMirrorStore store(dir);
  PruneOptions o;
  o.orphans = true;
  auto r = prune_mirror(store, o);
  EXPECT_TRUE(fs::exists(dir / pushing));
  EXPECT_EQ(r.skipped_new, std::vector<std::string>{pushing});
  EXPECT_TRUE(r.keys.empty());
  o.orphan_grace = std::chrono::minutes(5);
  o.clock_skew = std::chrono::seconds(0);
  o.start = std::chrono::system_clock::now();
  r = prune_mirror(store, o);
  EXPECT_EQ(r.keys, std::vector<std::string>{pushing});
  EXPECT_FALSE(fs::exists(dir / pushing));
  EXPECT_EQ(in_buildcache(v3_index(dir)), in_buildcache(v3_index(src)));
}

// Issue 9.2: the index without the pruned specs is published before the
// first delete, so no reader sees an index naming deleted objects.
TEST(Prune, IndexDropsTheSpecsBeforeTheirObjectsGo) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  auto dir = aged_copy(src, tmp / "m", kHello);
  mirrors::FileMirrorStore real(dir);
  IndexAtFirstDelete store(real, dir);
  PruneOptions o;
  o.older_than = 30 * 24h;
  auto r = prune_mirror(store, o);
  ASSERT_EQ(r.specs.size(), 1u);
  ASSERT_TRUE(store.listed);
  EXPECT_FALSE(store.listed->count("5hn2gvdnbmne734ml6ionv2ba7cemxgl"));
  EXPECT_EQ(*store.listed, in_buildcache(v3_index(dir)));
}

// Spack's OCI registry dump on disk is pruned like any folder (by file
// times); its tag list stops naming the image that went, and the layers the
// other images share stay.
TEST(Prune, RegistryDumpOnDiskLosesTheOldImageItsTagAndOwnBlobs) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  TempDir tmp;
  const std::string hello = "manifests/peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl.spack";
  auto dir = aged_copy(src, tmp / "m", hello.c_str());
  const auto manifest = json_file(dir / hello);
  mirrors::FileMirrorStore store(dir);
  PruneOptions o;
  o.older_than = 30 * 24h;
  auto r = prune_mirror(store, o);
  ASSERT_EQ(r.specs.size(), 1u);
  EXPECT_FALSE(fs::exists(dir / hello));
  EXPECT_EQ(json_file(dir / "tags/list")["tags"].get<std::set<std::string>>(),
            (std::set<std::string>{"index.spack", "peerlib-1.0-fe2xtrzeuj3aptrt5see46vcskdgwfht.spack",
                                   "peermpi-1.0-52khzykl54qj6thnn2sikydwkxf5oeh5.spack"}));
  auto blob = [&](const nlohmann::json& d) { return dir / "blobs/sha256" / d["digest"].get<std::string>().substr(7); };
  EXPECT_FALSE(fs::exists(blob(manifest["config"])));
  EXPECT_FALSE(fs::exists(blob(manifest["layers"].back())));
  for (std::size_t i = 0; i + 1 < manifest["layers"].size(); ++i) EXPECT_TRUE(fs::exists(blob(manifest["layers"][i])));
  EXPECT_EQ(in_buildcache(oci_index(dir)),
            (std::set<std::string>{"fe2xtrzeuj3aptrt5see46vcskdgwfht", "52khzykl54qj6thnn2sikydwkxf5oeh5"}));
}

TEST(Prune, CommandNeedsWhatToPrune) {
  TempDir home;
  TestHost host(home.path());
  EXPECT_EQ(run_buildcache(host, {"prune", (home / "m").string()}).code, 2);
}

}  // namespace
}  // namespace spackext::buildcache
