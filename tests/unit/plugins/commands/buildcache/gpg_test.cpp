// Clearsigning and verifying with GPGME, checked against the gpg CLI.
#include <gtest/gtest.h>

#include "buildcache/clearsign.hpp"
#include "buildcache/gpg.hpp"
#include "buildcache/spack_json.hpp"
#include "spack_expectations.hpp"
#include "gnupg_home.hpp"

namespace spackext::buildcache {
namespace {

using namespace test;
using spackext::testing::read_file;
using spackext::testing::write_file;

TEST(Gpg, ClearsignLikeSpackAndGpgAccepts) {
  if (!have_gpg()) GTEST_SKIP() << "/usr/bin/gpg not installed (Debian package gnupg)";
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned/v3/manifests/spec/peerlib/peerlib-1.0-fe2xtrzeuj3aptrt5see46vcskdgwfht.spec.manifest.json");
  GnupgHome home;
  auto fpr = home.generate_key();
  ASSERT_EQ(fpr.size(), 40u);
  Keyring keyring(home.path());
  auto manifest = read_file(src);
  auto signed_text = keyring.clearsign(manifest, fpr);
  EXPECT_EQ(signed_text.rfind("-----BEGIN PGP SIGNED MESSAGE-----", 0), 0u);
  EXPECT_EQ(clearsigned_payload(signed_text), manifest);
  // gpg itself verifies it and prints the same payload.
  spackext::testing::TempDir tmp;
  write_file(tmp / "m.sig", signed_text);
  auto r = spackext::testing::run({"/usr/bin/gpg", "--homedir", home.path().string(), "--batch", "--status-fd", "1",
                                   "--verify", (tmp / "m.sig").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("VALIDSIG " + fpr), std::string::npos);
  auto check = keyring.verify_clearsigned(signed_text);
  EXPECT_TRUE(check.good) << check.reason;
  EXPECT_EQ(check.fingerprint, fpr);
  auto tampered = signed_text;
  tampered.replace(tampered.find("\"version\":3"), 11, "\"version\":4");
  auto bad = keyring.verify_clearsigned(tampered);
  EXPECT_FALSE(bad.good);
  EXPECT_NE(bad.reason.find("BAD"), std::string::npos) << bad.reason;
}

TEST(Gpg, ImportExportListAndTrust) {
  if (!have_gpg()) GTEST_SKIP() << "/usr/bin/gpg not installed";
  SPACKEXT_REQUIRE_FIXTURE(mirror, "fixtures/spack/buildcache-v2-signed");
  GnupgHome home;
  Keyring keyring(home.path());
  auto fprs = keyring.import_keys(read_file(mirror / "build_cache/_pgp/4C598AADAB834EAF98F876B800112E0AC86BB66F.pub"));
  ASSERT_EQ(fprs, std::vector<std::string>{"4C598AADAB834EAF98F876B800112E0AC86BB66F"});  // the file's name
  auto keys = keyring.list(false);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].fingerprint, fprs[0]);
  EXPECT_NE(keyring.export_public(fprs[0]).find("BEGIN PGP PUBLIC KEY BLOCK"), std::string::npos);
  keyring.set_ultimate_trust(fprs[0]);
  auto r = spackext::testing::run({"/usr/bin/gpg", "--homedir", home.path().string(), "--batch", "--export-ownertrust"});
  EXPECT_NE(r.out.find(fprs[0] + ":6:"), std::string::npos) << r.out;  // 6 = ultimate
  EXPECT_THROW(keyring.import_keys("not a key"), Error);
}

}  // namespace
}  // namespace spackext::buildcache

#include "buildcache/signing.hpp"
#include "buildcache/verify.hpp"
#include "file_store.hpp"
#include "test_host.hpp"

namespace spackext::buildcache {
namespace {

using namespace test;
using spackext::testing::read_file;

TEST(Gpg, SignMirrorLikeSpackPushKey) {
  if (!have_gpg()) GTEST_SKIP() << "/usr/bin/gpg not installed";
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  spackext::testing::TempDir tmp;
  auto dir = writable_copy(src, tmp / "m");
  GnupgHome home;
  auto fpr = home.generate_key();
  Keyring keyring(home.path());
  mirrors::FileMirrorStore store(dir);
  auto r = sign_mirror(store, keyring, fpr);
  EXPECT_EQ(r.signed_keys.size(), 3u);
  for (const auto& k : r.signed_keys) {
    auto text = read_file(dir / k);
    EXPECT_EQ(naive_payload(text), read_file(src / k)) << k;  // payload = Spack's unsigned manifest
    spackext::testing::TempDir t2;
    auto gv = spackext::testing::run({"/usr/bin/gpg", "--homedir", home.path().string(), "--batch", "--verify", (dir / k).string()});
    EXPECT_EQ(gv.exit_code, 0) << gv.err;
  }
  // Same shape as Spack's signed fixture: a key manifest and a key index naming the key.
  auto keys = manifest_file(dir / "v3/manifests/key/keys.manifest.json");
  EXPECT_EQ(keys["data"][0]["mediaType"], "application/vnd.spack.keyindex.v1+json");
  EXPECT_TRUE(json_file(dir / v3_blob(keys["data"][0]["checksum"]))["keys"].contains(fpr));
  // A fresh keyring holding only the published key verifies the whole mirror.
  GnupgHome other;
  for (const auto& k : published_keys(dir)) ASSERT_TRUE(other.import(k));
  VerifyOptions vo;
  vo.keyring = other.path();
  auto cat = scan_mirror(store);
  EXPECT_EQ(cat.signed_metadata.size(), 3u);
  auto v = verify_mirror(store, cat, vo);
  EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.problems[0].object + ": " + v.problems[0].message);
  auto again = sign_mirror(store, keyring, fpr);
  EXPECT_EQ(again.already_signed, 3u);
}

}  // namespace
}  // namespace spackext::buildcache
