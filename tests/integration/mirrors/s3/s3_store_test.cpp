// The s3:// backend against a real S3 server (s3rver) on loopback.
#include <gtest/gtest.h>

#include <random>

#include <spackext_testing/fault_proxy.hpp>
#include <spackext_testing/forwarding_store.hpp>

#include "buildcache/catalog.hpp"
#include "buildcache/digest.hpp"
#include "buildcache/index_store.hpp"
#include "buildcache/sync.hpp"
#include "buildcache/verify.hpp"
#include "file_store.hpp"
#include "s3_store.hpp"
#include "s3rver.hpp"

namespace spackext::mirrors::s3 {
namespace {

namespace fs = std::filesystem;
using spackext::testing::TempDir;

S3Settings s3rver_settings(const std::string& endpoint) {
  S3Settings s;
  s.credentials = {"S3RVER", "S3RVER", ""};  // s3rver's fixed credentials
  s.region = "us-east-1";
  s.endpoint_url = endpoint;
  return s;
}

ByteSource from(const std::string& data) {
  auto pos = std::make_shared<std::size_t>(0);
  return [&data, pos](char* b, std::size_t cap) {
    auto n = std::min(cap, data.size() - *pos);
    std::memcpy(b, data.data() + *pos, n);
    *pos += n;
    return n;
  };
}

class S3Integration : public ::testing::Test {
 protected:
  void SetUp() override {
    SPACKEXT_REQUIRE_S3RVER();
    tmp_ = std::make_unique<TempDir>("s3it");
    server_ = std::make_unique<spackext::test::S3rver>(tmp_->path(), "buildcache");
    ASSERT_TRUE(server_->ready()) << server_->failure();
  }
  std::unique_ptr<TempDir> tmp_;
  std::unique_ptr<spackext::test::S3rver> server_;
};

TEST_F(S3Integration, PutStatGetListDelete) {
  S3StoreOptions so;
  so.list_page_size = 2;  // forces ListObjectsV2 pagination
  S3Store store("s3://buildcache/mirror", s3rver_settings(server_->endpoint()), so);
  for (int i = 0; i < 5; ++i) {
    std::string body = "object " + std::to_string(i);
    store.put("dir/k" + std::to_string(i) + " x.json", body.size(), from(body));
  }
  std::vector<std::string> keys;
  store.list("dir/", [&](const ObjectInfo& o) { keys.push_back(o.key); });
  EXPECT_EQ(keys.size(), 5u);
  EXPECT_EQ(keys.front(), "dir/k0 x.json");
  auto st = store.stat("dir/k3 x.json");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->size, 8u);  // "object 3"
  EXPECT_FALSE(store.stat("dir/missing"));
  EXPECT_EQ(buildcache::read_object(store, "dir/k3 x.json"), "object 3");
  EXPECT_THROW(buildcache::read_object(store, "dir/missing"), Error);
  store.remove("dir/k3 x.json");
  EXPECT_FALSE(store.stat("dir/k3 x.json"));
}

TEST_F(S3Integration, MultipartUploadRoundTrips) {
  S3StoreOptions so;
  so.multipart_threshold = 6 << 20;
  so.part_size = 5 << 20;
  S3Store store("s3://buildcache", s3rver_settings(server_->endpoint()), so);
  std::string big(13 << 20, '\0');
  std::mt19937 rng(42);
  for (auto& c : big) c = static_cast<char>(rng());
  store.put("blobs/big", big.size(), from(big));
  auto [sha, size] = buildcache::hash_object(store, "blobs/big");
  EXPECT_EQ(size, big.size());
  EXPECT_EQ(sha, buildcache::sha256_hex(big));
}

TEST_F(S3Integration, SyncFixtureToS3VerifyAndResync) {
  SPACKEXT_REQUIRE_FIXTURE(src_dir, "fixtures/spack/buildcache-v3-unsigned");
  FileMirrorStore src(src_dir);
  S3Store dst("s3://buildcache/v3", s3rver_settings(server_->endpoint()));
  buildcache::SyncOptions o;
  o.jobs = 4;
  auto r = buildcache::sync_mirrors(src, dst, o);
  EXPECT_GT(r.copied, 0u);
  auto cat = buildcache::scan_mirror(dst);
  EXPECT_TRUE(cat.problems.empty());
  EXPECT_EQ(cat.entries.size(), 3u);  // peerhello, peerlib, peermpi (fixtures README)
  buildcache::VerifyOptions vo;
  auto v = buildcache::verify_mirror(dst, cat, vo);
  EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.problems[0].object + ": " + v.problems[0].message);
  auto idx = buildcache::load_index(dst);
  ASSERT_TRUE(idx);
  EXPECT_EQ(idx->index.in_buildcache_count(), 3u);
  auto again = buildcache::sync_mirrors(src, dst, o);
  EXPECT_EQ(again.copied, 0u);
}

// S3 reads exactly the listed size and publishes on the last byte, without
// asking the source for its end: a blob whose bytes changed under the sync
// must be refused before that byte is handed over, not after.
TEST_F(S3Integration, SourceChangingUnderTheCopyIsNeverPublished) {
  SPACKEXT_REQUIRE_FIXTURE(src_dir, "fixtures/spack/buildcache-v3-unsigned");
  FileMirrorStore real_src(src_dir);
  const auto tarball = buildcache::scan_mirror(real_src).entries.front().tarball.key;
  spackext::testing::ChangingSource src(real_src, tarball);
  S3Store dst("s3://buildcache/changing", s3rver_settings(server_->endpoint()));
  buildcache::SyncOptions o;
  o.jobs = 1;
  try {
    buildcache::sync_mirrors(src, dst, o);
    ADD_FAILURE() << "a changed blob was synced";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(tarball), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not copied"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(dst.stat(tarball).has_value());
}

// A re-sync reads back nothing whose digest an earlier sync proved for the
// version the listing shows; an object rewritten since (same size, other
// bytes) shows another version, is hashed again and replaced. Without the
// ledger every object at the destination is read and hashed.
TEST_F(S3Integration, ResyncTrustsOnlyDigestsProvedForTheListedVersion) {
  SPACKEXT_REQUIRE_FIXTURE(src_dir, "fixtures/spack/buildcache-v3-unsigned");
  FileMirrorStore src(src_dir);
  S3Store dst("s3://buildcache/ledger", s3rver_settings(server_->endpoint()));
  EXPECT_TRUE(etags_track_content(dst));
  buildcache::SyncOptions o;
  o.jobs = 4;
  o.ledger = tmp_->path() / "state" / "proved-digests.sqlite";
  auto first = buildcache::sync_mirrors(src, dst, o);
  ASSERT_GT(first.copied, 0u);
  EXPECT_EQ(first.rehashed, 0u);
  auto again = buildcache::sync_mirrors(src, dst, o);
  EXPECT_EQ(again.copied, 0u);
  EXPECT_EQ(again.skipped, first.copied);
  EXPECT_EQ(again.rehashed, 0u);

  // Another writer replaces a tarball with as many other bytes.
  const auto tarball = buildcache::scan_mirror(src).entries.front().tarball.key;
  std::string good;
  src.get(tarball, [&](const char* d, std::size_t n) { return good.append(d, n), true; });
  auto bad = good;
  bad[bad.size() / 2] ^= 0x01;
  dst.put(tarball, bad.size(), from(bad));
  auto repaired = buildcache::sync_mirrors(src, dst, o);
  EXPECT_EQ(repaired.planned, std::vector<std::string>{tarball});
  EXPECT_EQ(repaired.rehashed, 1u);
  EXPECT_EQ(buildcache::hash_object(dst, tarball).first, buildcache::sha256_hex(good));
  auto settled = buildcache::sync_mirrors(src, dst, o);
  EXPECT_EQ(settled.copied, 0u);
  EXPECT_EQ(settled.rehashed, 0u);

  buildcache::SyncOptions without = o;
  without.ledger.clear();
  auto reread = buildcache::sync_mirrors(src, dst, without);
  EXPECT_EQ(reread.copied, 0u);
  EXPECT_EQ(reread.rehashed, first.copied);
}

// Bytes changed between us and the server are caught by the MD5 the server
// reports (its ETag), for single PUTs and for multipart parts; a sync through
// such a path fails instead of counting a corrupt copy.
TEST_F(S3Integration, ABodyCorruptedOnTheWayIsCaughtByTheEtag) {
  spackext::testing::FaultProxy proxy(server_->endpoint(), {.flip_every_put = true});
  S3StoreOptions so;
  so.multipart_threshold = 5 << 20;
  so.part_size = 5 << 20;
  S3Store store("s3://buildcache/corrupt", s3rver_settings(proxy.endpoint()), so);
  EXPECT_TRUE(verifies_puts(store));
  for (std::size_t n : {std::size_t{1000}, std::size_t{(11 << 20) + 3}}) {
    std::string data(n, 'x');
    try {
      store.put("blobs/x", data.size(), from(data));
      FAIL() << "a corrupted upload of " << n << " bytes was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("the server stored different bytes"), std::string::npos) << e.what();
    }
  }
  // Straight to the server, the same uploads pass: the check is not just failing.
  S3Store direct("s3://buildcache/direct", s3rver_settings(server_->endpoint()), so);
  std::string data(1000, 'x');
  EXPECT_NO_THROW(direct.put("blobs/x", data.size(), from(data)));
}

TEST_F(S3Integration, UnknownAccessKeyIsRefusedWithoutLeakingTheSecret) {
  auto s = s3rver_settings(server_->endpoint());
  s.credentials = {"NOT-S3RVER", "very-secret-value", ""};
  S3Store store("s3://buildcache", s);
  try {
    store.list("", [](const ObjectInfo&) {});
    FAIL();
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("403"), std::string::npos) << what;
    EXPECT_EQ(what.find("very-secret-value"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace spackext::mirrors::s3
