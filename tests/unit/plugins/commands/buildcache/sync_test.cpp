// sync between file mirrors: complete copies, nothing re-copied, --only,
// dry runs, and resuming after a failure half-way.
#include <gtest/gtest.h>

#include "buildcache/oci_tags.hpp"
#include "buildcache/sync.hpp"
#include "buildcache/verify.hpp"
#include "file_store.hpp"
#include "spack_expectations.hpp"
#include "test_host.hpp"

namespace spackext::buildcache {
namespace {

using namespace test;
using spackext::testing::TempDir;

// The real file store, failing every put after the first `budget` ones (the
// process "dies" there) or truncating reads: what a crash or a flaky source
// does to a sync.
class FailingStore final : public ForwardingStore {
 public:
  FailingStore(MirrorStore& inner, int put_budget, bool truncate_reads = false)
      : ForwardingStore(inner), budget_(put_budget), truncate_(truncate_reads) {}
  bool pushable() const override { return true; }
  void get(std::string_view k, const ByteSink& sink) override {
    if (!truncate_) return inner_.get(k, sink);
    std::string all;
    inner_.get(k, [&](const char* d, std::size_t n) { return all.append(d, n), true; });
    sink(all.data(), all.size() / 2);
  }
  ObjectInfo put(std::string_view k, std::uint64_t size, const ByteSource& s, const PutOptions& o) override {
    if (budget_-- <= 0) throw Error("injected failure writing " + std::string(k));
    return inner_.put(k, size, s, o);
  }

 private:
  int budget_;
  bool truncate_;
};

using spackext::testing::ChangingSource;

VerifyReport verify_store(MirrorStore& s) {
  VerifyOptions o;
  o.check_signatures = false;  // signatures are covered by verify_test; here: content
  return verify_mirror(s, scan_mirror(s), o);
}

std::set<std::string> files(const fs::path& dir) {
  std::set<std::string> out;
  for (auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.insert(e.path().lexically_relative(dir).generic_string());
  return out;
}

TEST(Sync, CopiesEveryFixtureCompletelyAndThenNothing) {
  for (const char* rel : kFixtureMirrors) {
    SPACKEXT_REQUIRE_FIXTURE(src_dir, rel);
    TempDir tmp;
    mirrors::FileMirrorStore src(src_dir), dst(tmp / "dst");
    SyncOptions o;
    o.jobs = 4;
    auto r = sync_mirrors(src, dst, o);
    EXPECT_GT(r.copied, 0u);
    EXPECT_EQ(files(tmp / "dst"), files(src_dir)) << rel;  // index rebuilt to the same keys
    auto v = verify_store(dst);
    EXPECT_TRUE(v.ok()) << rel << ": " << (v.ok() ? "" : v.problems[0].object + " " + v.problems[0].message);
    auto again = sync_mirrors(src, dst, o);
    EXPECT_EQ(again.copied, 0u) << rel;
    EXPECT_EQ(again.skipped, r.copied) << rel;
  }
}

// The tag list of an OCI dump is merged, not copied over: a tag only the
// destination has survives, and every synced tag is listed.
TEST(Sync, OciTagListIsMergedNotOverwritten) {
  SPACKEXT_REQUIRE_FIXTURE(src_dir, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  TempDir tmp;
  mirrors::FileMirrorStore src(src_dir), dst(tmp / "dst");
  put_bytes(dst, "tags/list", R"({"name":"peer/buildcache","tags":["site-extra.spack"]})");
  SyncOptions o;
  o.jobs = 2;
  sync_mirrors(src, dst, o);
  auto expected = read_oci_tags(src).tags;  // Spack's own tag list
  ASSERT_EQ(expected.size(), 4u);
  expected.insert("site-extra.spack");
  EXPECT_EQ(read_oci_tags(dst).tags, expected);
  EXPECT_EQ(read_oci_tags(dst).name, "peer/buildcache");
}

TEST(Sync, OnlyQueryAndDryRun) {
  SPACKEXT_REQUIRE_FIXTURE(src_dir, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  mirrors::FileMirrorStore src(src_dir), dst(tmp / "dst");
  SyncOptions o;
  o.only = SpecQuery::parse("peermpi");
  o.dry_run = true;
  auto plan = sync_mirrors(src, dst, o);
  EXPECT_FALSE(fs::exists(tmp / "dst"));
  // peermpi's manifest and its two blobs (from Spack's manifest), plus layout.json.
  auto m = manifest_file(src_dir / "v3/manifests/spec/peermpi/peermpi-1.0-52khzykl54qj6thnn2sikydwkxf5oeh5.spec.manifest.json");
  std::set<std::string> expected = {"v3/layout.json",
                                    "v3/manifests/spec/peermpi/peermpi-1.0-52khzykl54qj6thnn2sikydwkxf5oeh5.spec.manifest.json"};
  for (auto& r : m["data"]) expected.insert(v3_blob(r["checksum"]));
  EXPECT_EQ(std::set<std::string>(plan.planned.begin(), plan.planned.end()), expected);
  o.dry_run = false;
  auto r = sync_mirrors(src, dst, o);
  EXPECT_EQ(r.copied, expected.size());
  auto idx = v3_index(tmp / "dst");
  EXPECT_EQ(in_buildcache(idx), std::set<std::string>{"52khzykl54qj6thnn2sikydwkxf5oeh5"});
}

// A put that fails half-way through a body is reported with its own error,
// not as a short read of the source it stopped; a put that returns without
// taking every byte is an error, not a copy (nor a source left waiting).
class HalfTakingStore final : public ForwardingStore {
 public:
  HalfTakingStore(MirrorStore& inner, bool fail) : ForwardingStore(inner), fail_(fail) {}
  ObjectInfo put(std::string_view k, std::uint64_t size, const ByteSource& s, const PutOptions&) override {
    std::vector<char> half(size / 2);
    read_exactly(s, half.data(), half.size(), std::string(k));
    if (fail_) throw Error("injected failure half-way through " + std::string(k));
    return ObjectInfo{std::string(k), size};
  }

 private:
  bool fail_;
};

TEST(Sync, APutThatStopsHalfWayIsItsOwnErrorNeverACopy) {
  SPACKEXT_REQUIRE_FIXTURE(src_dir, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  mirrors::FileMirrorStore src(src_dir), real_dst(tmp / "dst");
  const auto tarball = v3_tarballs(src_dir).begin()->first;
  const auto info = *src.stat(tarball);
  ASSERT_GT(info.size, 2u);
  HalfTakingStore failing(real_dst, true), returning(real_dst, false);
  try {
    copy_object(src, failing, info);
    ADD_FAILURE() << "a failed put was taken for a copy";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("injected failure half-way"), std::string::npos) << e.what();
  }
  try {
    copy_object(src, returning, info);
    ADD_FAILURE() << "half a body was taken for a copy";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("before taking every byte"), std::string::npos) << e.what();
  }
}

TEST(Sync, ResumesAfterAFailureHalfWay) {
  SPACKEXT_REQUIRE_FIXTURE(src_dir, "fixtures/spack/buildcache-v3-signed");
  TempDir tmp;
  mirrors::FileMirrorStore src(src_dir), real_dst(tmp / "dst");
  FailingStore dying(real_dst, 5);
  SyncOptions o;
  o.jobs = 1;
  EXPECT_THROW(sync_mirrors(src, dying, o), Error);
  // Nothing half-written: every file present is complete (no temp files), no index yet.
  for (const auto& f : files(tmp / "dst")) EXPECT_EQ(f.find(".spackext-tmp-"), std::string::npos) << f;
  EXPECT_FALSE(fs::exists(tmp / "dst/v3/manifests/index/index.manifest.json"));
  auto r = sync_mirrors(src, real_dst, o);
  EXPECT_EQ(r.skipped, 5u);
  EXPECT_EQ(files(tmp / "dst"), files(src_dir));
  EXPECT_TRUE(verify_store(real_dst).ok());
}

TEST(Sync, TruncatedSourceReadsAreRefusedNotCopied) {
  SPACKEXT_REQUIRE_FIXTURE(src_dir, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  mirrors::FileMirrorStore real_src(src_dir), dst(tmp / "dst");
  FailingStore flaky(real_src, 1000, /*truncate_reads=*/true);
  SyncOptions o;
  EXPECT_THROW(sync_mirrors(flaky, dst, o), Error);
  if (fs::exists(tmp / "dst"))
    for (const auto& f : files(tmp / "dst")) {
      EXPECT_EQ(f.find(".spackext-tmp-"), std::string::npos) << f;
      EXPECT_EQ(spackext::testing::read_file(tmp / "dst" / f), spackext::testing::read_file(src_dir / f)) << f;
    }
}

// Issue 9.1: a sync killed after its copies but before its index. The rerun
// copies nothing, and must still publish an index listing every spec.
TEST(Sync, RerunRepairsTheIndexOfARunKilledBeforeIt) {
  SPACKEXT_REQUIRE_FIXTURE(src_dir, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  mirrors::FileMirrorStore src(src_dir), dst(tmp / "dst");
  SyncOptions o;
  o.only = SpecQuery::parse("peermpi");
  sync_mirrors(src, dst, o);  // an earlier sync: an index of one spec
  o.only = {};
  o.update_index = false;  // the killed run: everything copied, no index
  EXPECT_GT(sync_mirrors(src, dst, o).copied, 0u);
  o.update_index = true;
  auto r = sync_mirrors(src, dst, o);
  EXPECT_EQ(r.copied, 0u);
  EXPECT_EQ(r.index_changed, 1u);
  EXPECT_EQ(in_buildcache(v3_index(tmp / "dst")), in_buildcache(v3_index(src_dir)));  // Spack's own index
  EXPECT_TRUE(verify_store(dst).ok());
}

// Issue 9.3: a blob whose bytes change under the sync (same size) is refused
// before it is published, not checked against the bytes that were sent.
TEST(Sync, SourceChangingUnderTheCopyIsNeverPublished) {
  SPACKEXT_REQUIRE_FIXTURE(src_dir, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  const auto tarball = v3_tarballs(src_dir).begin()->first;
  mirrors::FileMirrorStore real_src(src_dir), dst(tmp / "dst");
  ChangingSource src(real_src, tarball);
  SyncOptions o;
  o.jobs = 1;
  try {
    sync_mirrors(src, dst, o);
    ADD_FAILURE() << "a changed blob was synced";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(tarball), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(tmp / "dst" / tarball));
  for (const auto& f : files(tmp / "dst")) EXPECT_EQ(f.find(".spackext-tmp-"), std::string::npos) << f;
}

// Issue 9.3: "already present" is the same digest, not the same size: a
// corrupt same-size blob at the destination is replaced, not skipped forever.
TEST(Sync, SameSizeCorruptBlobAtTheDestinationIsReplaced) {
  SPACKEXT_REQUIRE_FIXTURE(src_dir, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  mirrors::FileMirrorStore src(src_dir), dst(tmp / "dst");
  SyncOptions o;
  sync_mirrors(src, dst, o);
  const auto tarball = v3_tarballs(src_dir).begin()->first;
  auto bytes = spackext::testing::read_file(tmp / "dst" / tarball);
  bytes[bytes.size() / 3] ^= 0x01;
  spackext::testing::write_file(tmp / "dst" / tarball, bytes);
  EXPECT_FALSE(verify_store(dst).ok());
  auto r = sync_mirrors(src, dst, o);
  EXPECT_EQ(r.planned, std::vector<std::string>{tarball});
  EXPECT_EQ(spackext::testing::read_file(tmp / "dst" / tarball), spackext::testing::read_file(src_dir / tarball));
  EXPECT_TRUE(verify_store(dst).ok());
}

// Issue 9.4: unreadable metadata at the source is an error naming it; with
// skip_broken it is reported, left behind, and the rest is synced.
TEST(Sync, BrokenSourceManifestIsAnErrorOrReportedWhenSkipped) {
  SPACKEXT_REQUIRE_FIXTURE(fixture, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  auto src_dir = writable_copy(fixture, tmp / "src");
  const std::string broken = "v3/manifests/spec/peermpi/peermpi-1.0-52khzykl54qj6thnn2sikydwkxf5oeh5.spec.manifest.json";
  spackext::testing::write_file(src_dir / broken, "{\"data\": [tru");
  mirrors::FileMirrorStore src(src_dir), dst(tmp / "dst");
  SyncOptions o;
  try {
    sync_mirrors(src, dst, o);
    ADD_FAILURE() << "synced a cache with an unreadable manifest";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(broken), std::string::npos) << e.what();
  }
  o.skip_broken = true;
  auto r = sync_mirrors(src, dst, o);
  ASSERT_EQ(r.broken.size(), 1u);
  EXPECT_EQ(r.broken[0].object, broken);
  EXPECT_FALSE(fs::exists(tmp / "dst" / broken));
  auto listed = in_buildcache(v3_index(tmp / "dst"));
  EXPECT_EQ(listed.size(), in_buildcache(v3_index(fixture)).size() - 1);
  EXPECT_FALSE(listed.count("52khzykl54qj6thnn2sikydwkxf5oeh5"));
}

TEST(Sync, CommandDryRunJson) {
  SPACKEXT_REQUIRE_FIXTURE(src_dir, "fixtures/spack/buildcache-v2-unsigned");
  TempDir home;
  TestHost host(home.path());
  auto r = run_buildcache(host, {"sync", src_dir.string(), (home / "dst").string(), "--dry-run"}, true);
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["dry_run"], true);
  EXPECT_FALSE(j["planned"].empty());
  EXPECT_FALSE(fs::exists(home / "dst"));
}

}  // namespace
}  // namespace spackext::buildcache
