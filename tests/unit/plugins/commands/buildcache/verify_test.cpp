// `verify` on every Spack-made fixture passes; corrupted copies fail with the
// object named.
#include <gtest/gtest.h>

#include "buildcache/verify.hpp"
#include "file_store.hpp"
#include "spack_expectations.hpp"
#include "gnupg_home.hpp"
#include "test_host.hpp"

namespace spackext::buildcache {
namespace {

using namespace test;
using spackext::testing::read_file;
using spackext::testing::TempDir;
using spackext::testing::write_file;

VerifyReport verify_dir(const fs::path& dir, std::optional<fs::path> keyring, bool signatures = true) {
  mirrors::FileMirrorStore store(dir);
  auto cat = scan_mirror(store);
  VerifyOptions o;
  o.keyring = std::move(keyring);
  o.check_signatures = signatures;
  return verify_mirror(store, cat, o);
}

std::string describe(const VerifyReport& r) {
  std::string s;
  for (const auto& p : r.problems) s += p.object + ": " + p.message + "\n";
  return s;
}

bool names(const VerifyReport& r, const std::string& object, const std::string& text) {
  for (const auto& p : r.problems)
    if (p.object == object && p.message.find(text) != std::string::npos) return true;
  return false;
}

TEST(Verify, EverySpackFixturePasses) {
  if (!have_gpg()) GTEST_SKIP() << "/usr/bin/gpg not installed (Debian package gnupg)";
  for (const char* rel : kFixtureMirrors) {
    SPACKEXT_REQUIRE_FIXTURE(dir, rel);
    GnupgHome home;
    for (const auto& k : published_keys(dir)) ASSERT_TRUE(home.import(k)) << k;
    auto r = verify_dir(dir, home.path());
    EXPECT_TRUE(r.ok()) << rel << "\n" << describe(r);
    // Every stored blob and v2 tarball was hashed (the fixtures hold no orphans).
    std::size_t stored = 0;
    for (auto& e : fs::recursive_directory_iterator(dir)) {
      auto key = e.path().lexically_relative(dir).generic_string();
      if (e.is_regular_file() &&
          (key.rfind("blobs/", 0) == 0 || (key.rfind("build_cache/", 0) == 0 && e.path().extension() == ".spack")))
        ++stored;
    }
    EXPECT_EQ(r.objects_checked, stored) << rel;
    std::size_t sigs = 0;
    for (auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file() && read_file(e.path()).rfind("-----BEGIN PGP SIGNED MESSAGE-----", 0) == 0) ++sigs;
    EXPECT_EQ(r.signatures_checked, sigs) << rel;
  }
}

TEST(Verify, SignedMirrorWithoutTheKeyFails) {
  if (!have_gpg()) GTEST_SKIP() << "/usr/bin/gpg not installed";
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/buildcache-v3-signed");
  GnupgHome empty;
  auto r = verify_dir(dir, empty.path());
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(names(r, "v3/manifests/spec/peerhello/peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl.spec.manifest.json",
                    "no public key"))
      << describe(r);
}

TEST(Verify, CorruptTarballIsNamed) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  auto dir = writable_copy(src, tmp / "m");
  // peerlib's tarball blob (fixtures README).
  auto key = v3_blob("736c65b2bb7507ed01f29d53bbade8eb3df010c6e5e935ec7ad33f9bc7593394");
  auto bytes = read_file(dir / key);
  bytes[bytes.size() / 2] ^= 0x01;
  write_file(dir / key, bytes);
  auto r = verify_dir(dir, std::nullopt);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(names(r, key, "checksum mismatch")) << describe(r);
  EXPECT_EQ(r.problems.size(), 1u) << describe(r);
}

TEST(Verify, TruncatedAndMissingBlobsAreNamed) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v2-unsigned");
  TempDir tmp;
  auto dir = writable_copy(src, tmp / "m");
  auto sums = v2_checksums(dir);
  mirrors::FileMirrorStore store(dir);
  auto cat = scan_mirror(store);
  ASSERT_EQ(cat.entries.size(), 3u);
  const auto truncated = cat.entries[0].tarball.key;
  const auto missing = cat.entries[1].tarball.key;
  auto bytes = read_file(dir / truncated);
  write_file(dir / truncated, bytes.substr(0, bytes.size() - 100));
  fs::remove(dir / missing);
  auto r = verify_dir(dir, std::nullopt);
  EXPECT_TRUE(names(r, truncated, "checksum mismatch")) << describe(r);
  EXPECT_TRUE(names(r, missing, "missing")) << describe(r);
}

TEST(Verify, TamperedSignedSpecFileFailsItsSignature) {
  if (!have_gpg()) GTEST_SKIP() << "/usr/bin/gpg not installed";
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v2-signed");
  TempDir tmp;
  auto dir = writable_copy(src, tmp / "m");
  GnupgHome home;
  for (const auto& k : published_keys(dir)) ASSERT_TRUE(home.import(k));
  auto key = "build_cache/linux-debian12-x86_64_v4-gcc-12.2.0-peermpi-1.0-cvm4sheomj2szikv47xggmvxfmiiphwh.spec.json.sig";
  auto text = read_file(dir / key);
  auto pos = text.find("\"1.0\"");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 5, "\"1.1\"");
  write_file(dir / key, text);
  auto r = verify_dir(dir, home.path());
  EXPECT_TRUE(names(r, key, "BAD signature")) << describe(r);
}

TEST(Verify, IndexOutOfDateAndWrongHashAreReported) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v2-unsigned");
  TempDir tmp;
  auto dir = writable_copy(src, tmp / "m");
  write_file(dir / "build_cache/index.json.hash", std::string(64, '0'));
  auto stem = "linux-debian12-x86_64_v4-gcc-12.2.0-peerhello-1.0-bfrqcmmn2zcr4t7jb7ofu5afpwvibri3";
  fs::remove(dir / (std::string("build_cache/") + stem + ".spec.json"));
  auto r = verify_dir(dir, std::nullopt);
  EXPECT_TRUE(names(r, "build_cache/index.json", "index hash mismatch")) << describe(r);
  EXPECT_TRUE(names(r, "build_cache/index.json", "index lists peerhello@1.0")) << describe(r);
}

TEST(Verify, PublishesAnEventPerObject) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/buildcache-v3-unsigned");
  Bus bus;
  std::atomic<int> events{0};
  bus.subscribe("mirror.object.verified", [&](const Event&) { ++events; });
  mirrors::FileMirrorStore store(dir);
  auto cat = scan_mirror(store);
  VerifyOptions o;
  o.bus = &bus;
  auto r = verify_mirror(store, cat, o);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(events.load(), static_cast<int>(r.objects_checked));
}

}  // namespace
}  // namespace spackext::buildcache
