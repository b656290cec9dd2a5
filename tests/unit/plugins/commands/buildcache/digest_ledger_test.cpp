// The ledger of digests sync proved at a destination: a digest is given back
// only for the exact version it was proved for, survives the process, and
// is kept apart per store.
#include <gtest/gtest.h>

#include <spackext_testing/testing.hpp>

#include "buildcache/digest_ledger.hpp"

namespace spackext::buildcache {
namespace {

using spackext::testing::TempDir;

ObjectInfo listed(std::string key, std::uint64_t size, std::string etag, std::int64_t modified) {
  ObjectInfo o;
  o.key = std::move(key);
  o.size = size;
  o.etag = std::move(etag);
  o.modified = std::chrono::system_clock::time_point(std::chrono::seconds(modified));
  return o;
}

const std::string kSha(64, 'a');

TEST(DigestLedger, GivesADigestBackOnlyForTheVersionItWasProvedFor) {
  TempDir tmp;
  DigestLedger ledger(tmp / "ledger.sqlite", "s3://bucket/m");
  const auto v = listed("blobs/sha256/aa/x", 10, "etag1", 1700000000);
  EXPECT_EQ(ledger.proved(v), "");
  ledger.record({{v, kSha}});
  EXPECT_EQ(ledger.proved(v), kSha);
  EXPECT_EQ(ledger.proved(listed("blobs/sha256/aa/x", 11, "etag1", 1700000000)), "");  // other size
  EXPECT_EQ(ledger.proved(listed("blobs/sha256/aa/x", 10, "etag2", 1700000000)), "");  // rewritten
  EXPECT_EQ(ledger.proved(listed("blobs/sha256/aa/x", 10, "etag1", 1700000001)), "");  // rewritten, same bytes
  EXPECT_EQ(ledger.proved(listed("blobs/sha256/aa/y", 10, "etag1", 1700000000)), "");  // other key
}

TEST(DigestLedger, VersionsWithoutAnEtagOrATimeAreNeverRecorded) {
  TempDir tmp;
  DigestLedger ledger(tmp / "ledger.sqlite", "s3://bucket/m");
  auto no_etag = listed("a", 1, "", 1700000000);
  auto no_time = listed("b", 1, "e", 0);
  no_time.modified.reset();
  ledger.record({{no_etag, kSha}, {no_time, kSha}});
  EXPECT_EQ(ledger.proved(no_etag), "");
  EXPECT_EQ(ledger.proved(no_time), "");
}

TEST(DigestLedger, OutlivesTheProcessAndKeepsStoresApart) {
  TempDir tmp;
  const auto v = listed("k", 3, "e", 1700000000);
  DigestLedger(tmp / "state" / "ledger.sqlite", "s3://one").record({{v, kSha}});
  EXPECT_EQ(DigestLedger(tmp / "state" / "ledger.sqlite", "s3://one").proved(v), kSha);
  EXPECT_EQ(DigestLedger(tmp / "state" / "ledger.sqlite", "s3://two").proved(v), "");
  // A later proof for the same key replaces the earlier one.
  const auto v2 = listed("k", 3, "f", 1700000100);
  DigestLedger(tmp / "state" / "ledger.sqlite", "s3://one").record({{v2, std::string(64, 'b')}});
  DigestLedger again(tmp / "state" / "ledger.sqlite", "s3://one");
  EXPECT_EQ(again.proved(v), "");
  EXPECT_EQ(again.proved(v2), std::string(64, 'b'));
}

}  // namespace
}  // namespace spackext::buildcache
