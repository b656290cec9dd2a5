// The gs:// backend against the fake GCS server on loopback: the JSON API
// calls, resumable uploads (including resuming after a failed chunk),
// pagination, preconditions and the service-account token flow.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "buildcache/catalog.hpp"
#include "buildcache/digest.hpp"
#include "buildcache/index_store.hpp"
#include "buildcache/sync.hpp"
#include "buildcache/verify.hpp"
#include "fake_gcs.hpp"
#include "file_store.hpp"
#include "gcs_store.hpp"
#include "rsa_test_key.hpp"

namespace spackext::mirrors::gcs {
namespace {

using spackext::testing::TempDir;
using spackext::testing::write_file;

constexpr const char* kEmail = "mirror-writer@spack-ext-tests.iam.gserviceaccount.com";

std::string random_bytes(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  std::mt19937 rng(seed);
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// A source that records the largest read asked of it (the store must stream,
// buffering at most one chunk).
struct CountingSource {
  const std::string& data;
  std::size_t pos = 0, largest_request = 0;
  ByteSource source() {
    return [this](char* b, std::size_t cap) {
      largest_request = std::max(largest_request, cap);
      auto n = std::min(cap, data.size() - pos);
      std::memcpy(b, data.data() + pos, n);
      pos += n;
      return n;
    };
  }
};

GcsSettings plain(const std::string& endpoint) {
  GcsSettings s;
  s.endpoint = endpoint;
  return s;
}

GcsStoreOptions no_sleep() {
  GcsStoreOptions o;
  o.http.sleep = [](std::chrono::milliseconds) {};
  return o;
}

class GcsIntegration : public ::testing::Test {
 protected:
  void start(std::vector<std::string> flags = {}) {
    tmp_ = std::make_unique<TempDir>("gcsit");
    server_ = std::make_unique<spackext::test::FakeGcsServer>(tmp_->path(), "spack-mirror", flags);
    ASSERT_TRUE(server_->ready()) << server_->log();
  }
  // A fresh RSA key, its public half given to the fake as service account kEmail.
  std::vector<std::string> service_account_flags() {
    key_ = test::generate_rsa_test_key();
    keydir_ = std::make_unique<TempDir>("gcskey");
    write_file(*keydir_ / "sa.pub.pem", key_.public_pem);
    return {"--require-auth", "--service-account", std::string(kEmail) + "=" + (*keydir_ / "sa.pub.pem").string()};
  }
  ServiceAccountKey account(const test::RsaTestKey& key) const {
    return parse_service_account_key(test::service_account_json(kEmail, key, server_->token_uri()), "sa.json");
  }
  void SetUp() override { SPACKEXT_REQUIRE_FAKE_GCS(); }

  std::unique_ptr<TempDir> tmp_, keydir_;
  std::unique_ptr<spackext::test::FakeGcsServer> server_;
  test::RsaTestKey key_;
};

TEST_F(GcsIntegration, PaginatedListStatGetRemove) {
  start({"--page-size", "2"});  // the server pages by 2: listing 5 objects takes 3 pages
  GcsStore store("gs://spack-mirror/mirror", plain(server_->endpoint()));
  for (int i = 0; i < 5; ++i) put_bytes(store, "dir/k" + std::to_string(i) + " x+y.json", "object " + std::to_string(i));
  put_bytes(store, "dirt/other", "not below dir/");
  GcsStore outside("gs://spack-mirror/mirror-2", plain(server_->endpoint()));
  put_bytes(outside, "dir/k9", "another prefix that shares the first letters");

  std::vector<ObjectInfo> listed;
  store.list("dir/", [&](const ObjectInfo& o) { listed.push_back(o); });
  ASSERT_EQ(listed.size(), 5u);
  EXPECT_EQ(listed.front().key, "dir/k0 x+y.json");
  EXPECT_EQ(listed.back().key, "dir/k4 x+y.json");
  EXPECT_EQ(listed[3].size, 8u);  // "object 3"
  EXPECT_FALSE(listed[3].etag.empty());
  EXPECT_TRUE(listed[3].modified);
  std::size_t all = 0;
  store.list("", [&](const ObjectInfo&) { ++all; });
  EXPECT_EQ(all, 6u);  // nothing from gs://spack-mirror/mirror-2

  auto st = store.stat("dir/k3 x+y.json");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->size, 8u);
  EXPECT_EQ(st->etag, listed[3].etag);
  EXPECT_FALSE(store.stat("dir/missing"));
  EXPECT_EQ(buildcache::read_object(store, "dir/k3 x+y.json"), "object 3");
  EXPECT_THROW(buildcache::read_object(store, "dir/missing"), Error);
  store.remove("dir/k3 x+y.json");
  EXPECT_FALSE(store.stat("dir/k3 x+y.json"));
  EXPECT_NO_THROW(store.remove("dir/k3 x+y.json"));  // already gone is fine

  GcsStore nowhere("gs://no-such-bucket/m", plain(server_->endpoint()));
  try {
    nowhere.list("", [](const ObjectInfo&) {});
    FAIL() << "listed a bucket that does not exist";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("gs://no-such-bucket/m"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bucket does not exist"), std::string::npos) << e.what();
  }
}

TEST_F(GcsIntegration, ResumableUploadRoundTripsInSmallChunks) {
  start();
  auto o = no_sleep();
  o.chunk_size = 512 * 1024;
  o.resumable_threshold = 1 << 20;
  GcsStore store("gs://spack-mirror", plain(server_->endpoint()), o);
  const auto big = random_bytes((5 << 20) + 12345, 42);  // 11 chunks, the last one short
  CountingSource src{big};
  auto info = store.put("blobs/big", big.size(), src.source());
  EXPECT_LE(src.largest_request, o.chunk_size);
  EXPECT_EQ(info.size, big.size());
  auto st = store.stat("blobs/big");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->etag, info.etag);
  auto [sha, size] = buildcache::hash_object(store, "blobs/big");
  EXPECT_EQ(size, big.size());
  EXPECT_EQ(sha, buildcache::sha256_hex(big));
  // An exact multiple of the chunk size ends with a full chunk carrying the total.
  const auto even = random_bytes(2 << 20, 7);
  store.put("blobs/even", even.size(), memory_source(even));
  EXPECT_EQ(buildcache::hash_object(store, "blobs/even").first, buildcache::sha256_hex(even));
}

TEST_F(GcsIntegration, ResumesAtTheServersOffsetAfterAFailedChunk) {
  // The 3rd chunk stores only part of its bytes, then the server answers 503.
  start({"--fail-chunk", "3"});
  std::atomic<int> pauses{0};
  auto o = no_sleep();
  o.http.sleep = [&](std::chrono::milliseconds) { ++pauses; };
  o.chunk_size = 1 << 20;
  o.resumable_threshold = 1 << 20;
  GcsStore store("gs://spack-mirror/p", plain(server_->endpoint()), o);
  const auto big = random_bytes((4 << 20) + 777, 9);
  store.put("blobs/resumed", big.size(), memory_source(big));
  EXPECT_EQ(pauses.load(), 1);  // exactly one failure, then a status query and the rest
  auto [sha, size] = buildcache::hash_object(store, "blobs/resumed");
  EXPECT_EQ(size, big.size());
  EXPECT_EQ(sha, buildcache::sha256_hex(big));
}

// The server stores something else than it was sent: the md5Hash it reports
// gives it away, on both upload paths, so a sync never counts it as copied.
TEST_F(GcsIntegration, AnUploadTheServerStoredWronglyIsAnError) {
  start({"--corrupt-writes"});
  auto o = no_sleep();
  o.chunk_size = 256 * 1024;
  o.resumable_threshold = 256 * 1024;
  GcsStore store("gs://spack-mirror", plain(server_->endpoint()), o);
  EXPECT_TRUE(verifies_puts(store));
  for (std::size_t n : {std::size_t{1000}, std::size_t{(1 << 20) + 5}}) {  // media, resumable
    const auto data = random_bytes(n, 3);
    try {
      store.put("blobs/x", data.size(), memory_source(data));
      FAIL() << "a corrupted write of " << n << " bytes was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("stored different bytes"), std::string::npos) << e.what();
    }
  }
}

TEST_F(GcsIntegration, GenerationPreconditions) {
  start();
  auto o = no_sleep();
  o.chunk_size = 256 * 1024;
  o.resumable_threshold = 256 * 1024;
  GcsStore store("gs://spack-mirror", plain(server_->endpoint()), o);
  PutOptions create;
  create.if_none_match = true;
  auto first = put_bytes(store, "index.json", "v1", create);
  EXPECT_FALSE(first.etag.empty());
  try {
    put_bytes(store, "index.json", "v1 again", create);
    FAIL() << "create-only write replaced an object";
  } catch (const PreconditionFailed& e) {
    EXPECT_NE(std::string(e.what()).find("precondition"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("index.json"), std::string::npos) << e.what();
  }
  PutOptions replace;
  replace.if_match = first.etag;
  auto second = put_bytes(store, "index.json", "v2", replace);
  EXPECT_NE(second.etag, first.etag);
  EXPECT_THROW(put_bytes(store, "index.json", "v3 from a stale reader", replace), PreconditionFailed);  // stale
  EXPECT_EQ(buildcache::read_object(store, "index.json"), "v2");
  // The same through a resumable session (checked when it starts).
  const auto big = random_bytes(600 * 1024, 3);
  EXPECT_THROW(store.put("index.json", big.size(), memory_source(big), create), Error);
  replace.if_match = second.etag;
  auto third = store.put("index.json", big.size(), memory_source(big), replace);
  EXPECT_EQ(store.stat("index.json")->etag, third.etag);
  EXPECT_EQ(store.stat("index.json")->size, big.size());
}

TEST_F(GcsIntegration, ServiceAccountTokenIsExchangedReusedAndRefreshed) {
  auto flags = service_account_flags();
  flags.insert(flags.end(), {"--token-lifetime", "3600"});
  start(flags);
  GcsSettings s = plain(server_->endpoint());
  s.service_account = account(key_);
  auto now = std::chrono::system_clock::now();
  std::mutex clock_mutex;
  auto o = no_sleep();
  o.clock = [&] {
    std::lock_guard lock(clock_mutex);
    return now;
  };
  GcsStore store("gs://spack-mirror/auth", s, o);
  put_bytes(store, "a", "alpha");
  EXPECT_EQ(store.token_exchanges(), 1);
  EXPECT_EQ(buildcache::read_object(store, "a"), "alpha");
  EXPECT_TRUE(store.stat("a"));
  EXPECT_EQ(store.token_exchanges(), 1);  // reused while valid
  {
    std::lock_guard lock(clock_mutex);
    now += std::chrono::minutes(56);  // within 5 minutes of expiry: refreshed before use
  }
  EXPECT_TRUE(store.stat("a"));
  EXPECT_EQ(store.token_exchanges(), 2);
  server_->revoke_tokens();  // the server forgets it: 401, one new exchange, success
  EXPECT_EQ(buildcache::read_object(store, "a"), "alpha");
  EXPECT_EQ(store.token_exchanges(), 3);
}

TEST_F(GcsIntegration, ThreadsSharingAStoreExchangeOneNewTokenAfterRevocation) {
  start(service_account_flags());
  GcsSettings s = plain(server_->endpoint());
  s.service_account = account(key_);
  GcsStore store("gs://spack-mirror", s, no_sleep());
  for (int i = 0; i < 8; ++i) put_bytes(store, "obj" + std::to_string(i), "payload " + std::to_string(i));
  ASSERT_EQ(store.token_exchanges(), 1);
  server_->revoke_tokens();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      if (buildcache::read_object(store, "obj" + std::to_string(i)) == "payload " + std::to_string(i)) ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(store.token_exchanges(), 2);  // the first 401 replaced the token; the others reuse the new one
}

TEST_F(GcsIntegration, AssertionSignedWithTheWrongKeyIsRefusedWithoutLeakingIt) {
  start(service_account_flags());
  auto wrong = test::generate_rsa_test_key();
  GcsSettings s = plain(server_->endpoint());
  s.service_account = account(wrong);
  GcsStore store("gs://spack-mirror", s, no_sleep());
  try {
    store.stat("v3/layout.json");
    FAIL() << "a forged assertion was accepted";
  } catch (const InputError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("Invalid JWT Signature"), std::string::npos) << what;
    EXPECT_NE(what.find(kEmail), std::string::npos) << what;
    EXPECT_EQ(what.find(test::pem_body_line(wrong.private_pem)), std::string::npos) << what;
    EXPECT_EQ(what.find("eyJ"), std::string::npos) << what;  // no JWT (base64url of '{"')
  }
}

TEST_F(GcsIntegration, MissingOrBadCredentialsNameMirrorAndObjectOnly) {
  auto flags = service_account_flags();
  flags.insert(flags.end(), {"--static-token", "good-static-token"});
  start(flags);
  GcsStore anonymous("gs://spack-mirror/m", plain(server_->endpoint()), no_sleep());
  try {
    anonymous.stat("v3/layout.json");
    FAIL();
  } catch (const InputError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("gs://spack-mirror/m"), std::string::npos) << what;
    EXPECT_NE(what.find("v3/layout.json"), std::string::npos) << what;
    EXPECT_NE(what.find("401"), std::string::npos) << what;
    EXPECT_NE(what.find("anonymous"), std::string::npos) << what;
  }
  GcsSettings bad = plain(server_->endpoint());
  bad.access_token = "ya29.very-secret-but-wrong";
  GcsStore wrong("gs://spack-mirror/m", bad, no_sleep());
  try {
    put_bytes(wrong, "x", "y");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find("very-secret-but-wrong"), std::string::npos) << e.what();
  }
  GcsSettings good = plain(server_->endpoint());
  good.access_token = "good-static-token";
  GcsStore ok("gs://spack-mirror/m", good, no_sleep());
  put_bytes(ok, "x", "y");
  EXPECT_EQ(buildcache::read_object(ok, "x"), "y");
}

TEST_F(GcsIntegration, SyncFixtureVerifyAndResyncUnderAServiceAccount) {
  SPACKEXT_REQUIRE_FIXTURE(src_dir, "fixtures/spack/buildcache-v3-unsigned");
  start(service_account_flags());
  FileMirrorStore src(src_dir);
  GcsSettings s = plain(server_->endpoint());
  s.service_account = account(key_);
  GcsStore dst("gs://spack-mirror/v3", s);
  buildcache::SyncOptions o;
  o.jobs = 4;
  auto r = buildcache::sync_mirrors(src, dst, o);
  EXPECT_GT(r.copied, 0u);
  auto cat = buildcache::scan_mirror(dst);
  EXPECT_TRUE(cat.problems.empty());
  std::size_t fixture_specs = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(src_dir / "v3/manifests/spec"))
    fixture_specs += e.is_regular_file();
  EXPECT_EQ(cat.entries.size(), fixture_specs);
  auto v = buildcache::verify_mirror(dst, cat, {});
  EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.problems[0].object + ": " + v.problems[0].message);
  EXPECT_EQ(buildcache::sync_mirrors(src, dst, o).copied, 0u);
  EXPECT_EQ(dst.token_exchanges(), 1);  // one token for the whole parallel sync
}

TEST_F(GcsIntegration, TlsIsVerifiedAndACustomCaBundleIsHonoured) {
  // A throwaway self-signed certificate for 127.0.0.1, made by the openssl tool.
  TempDir certs("gcstls");
  auto made = spackext::testing::run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                                      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
                                      (certs / "key.pem").string(), "-out", (certs / "cert.pem").string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const auto ca = (certs / "cert.pem").string();
  start({"--tls-cert", ca, "--tls-key", (certs / "key.pem").string()});
  ASSERT_EQ(server_->endpoint().rfind("https://", 0), 0u);
  auto o = no_sleep();
  o.http.max_attempts = 1;
  GcsStore unverified("gs://spack-mirror", plain(server_->endpoint()), o);
  EXPECT_THROW(unverified.stat("anything"), Error);  // not signed by a CA in the system store

  auto env = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "SPACK_EXT_CA_BUNDLE") return ca;
    return std::nullopt;
  };
  GcsStore by_env("gs://spack-mirror", resolve_settings({{"endpoint_url", server_->endpoint()}}, env), o);
  put_bytes(by_env, "over-tls", "encrypted");
  EXPECT_EQ(buildcache::read_object(by_env, "over-tls"), "encrypted");
  GcsStore by_setting("gs://spack-mirror",
                      resolve_settings({{"endpoint_url", server_->endpoint()}, {"ca_bundle", ca}}, [](const std::string&) {
                        return std::optional<std::string>();
                      }),
                      o);
  EXPECT_EQ(by_setting.stat("over-tls")->size, 9u);
}

}  // namespace
}  // namespace spackext::mirrors::gcs
