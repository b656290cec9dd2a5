// The https/http mirror store against a real nginx with WebDAV.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <set>
#include <thread>

#include <spackext/errors.hpp>

#include "https_store.hpp"
#include "nginx_dav.hpp"

namespace {

namespace fs = std::filesystem;
using spackext::mirrors::https::HttpsMirrorBackend;
using spackext::mirrors::https::HttpsSettings;
using spackext::mirrors::https::HttpsStore;
using spackext::mirrors::https::HttpsStoreOptions;
using spackext::test::DavAuth;
using spackext::test::NginxDav;
using spackext::test::NginxDavOptions;
using spackext::testing::TempDir;

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// Gives at most `chunk` bytes per call, like a file or a network stream.
spackext::ByteSource chunked_source(const std::string& data, std::size_t chunk = 64 << 10) {
  auto pos = std::make_shared<std::size_t>(0);
  return [&data, pos, chunk](char* buffer, std::size_t capacity) {
    const std::size_t n = std::min({capacity, chunk, data.size() - *pos});
    std::memcpy(buffer, data.data() + *pos, n);
    *pos += n;
    return n;
  };
}

std::string get_all(spackext::MirrorStore& store, const std::string& key) {
  std::string out;
  store.get(key, [&](const char* d, std::size_t n) {
    out.append(d, n);
    return true;
  });
  return out;
}

std::set<std::string> list_keys(spackext::MirrorStore& store, const std::string& prefix) {
  std::set<std::string> keys;
  store.list(prefix, [&](const spackext::ObjectInfo& info) { keys.insert(info.key); });
  return keys;
}

// Files on the server's disk whose name marks an unfinished upload.
std::vector<std::string> temporaries_on_disk(const fs::path& root) {
  std::vector<std::string> out;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.path().filename().string().find(".spackext-tmp-") != std::string::npos) out.push_back(e.path().string());
  return out;
}

HttpsSettings trusting(const NginxDav& server) {
  HttpsSettings s;
  s.ca_bundle = server.ca_file().string();
  return s;
}

HttpsStoreOptions quick() {
  HttpsStoreOptions o;
  o.http.sleep = [](std::chrono::milliseconds) {};
  return o;
}

class HttpsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SPACKEXT_REQUIRE_NGINX_DAV();
    server_ = std::make_unique<NginxDav>(dir_.path());
    ASSERT_TRUE(server_->ready()) << server_->log();
    store_ = std::make_unique<HttpsStore>(server_->url("/mirror/root"), trusting(*server_), quick());
  }
  TempDir dir_;
  std::unique_ptr<NginxDav> server_;
  std::unique_ptr<HttpsStore> store_;
};

TEST_F(HttpsStoreTest, RoundTripsAMultiMebibyteObjectByteForByte) {
  const auto data = random_bytes(5 << 20, 1);  // above the replayable limit: streamed from the source
  auto info = store_->put("blobs/sha256/ab/big", data.size(), chunked_source(data));
  EXPECT_EQ(info.key, "blobs/sha256/ab/big");
  EXPECT_EQ(info.size, data.size());
  EXPECT_FALSE(info.etag.empty());
  EXPECT_EQ(get_all(*store_, "blobs/sha256/ab/big"), data);
  // What is on the server's disk is the object, under its key below the mirror path.
  EXPECT_EQ(spackext::testing::read_file(server_->root() / "mirror/root/blobs/sha256/ab/big"), data);
  auto st = store_->stat("blobs/sha256/ab/big");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->size, data.size());
  EXPECT_EQ(st->etag, info.etag);
  ASSERT_TRUE(st->modified);
  EXPECT_LT(std::chrono::abs(*st->modified - std::chrono::system_clock::now()), std::chrono::minutes(5));
  EXPECT_TRUE(temporaries_on_disk(server_->root()).empty());
}

TEST_F(HttpsStoreTest, SmallObjectsAndKeysThatNeedEscaping) {
  const std::string key = "build_cache/dir with space/a+b%c&d=e.spec.json";
  spackext::put_bytes(*store_, key, "{\"x\": 1}");
  EXPECT_EQ(get_all(*store_, key), "{\"x\": 1}");
  EXPECT_TRUE(fs::exists(server_->root() / "mirror/root" / key));
  EXPECT_EQ(list_keys(*store_, "build_cache/"), std::set<std::string>{key});
  spackext::put_bytes(*store_, "empty", "");
  EXPECT_EQ(store_->stat("empty")->size, 0u);
  EXPECT_EQ(get_all(*store_, "empty"), "");
}

TEST_F(HttpsStoreTest, RangedGetReturnsExactlyTheRange) {
  const auto data = random_bytes(300000, 2);
  spackext::put_bytes(*store_, "obj", data);
  std::string part;
  auto append = [&](const char* d, std::size_t n) {
    part.append(d, n);
    return true;
  };
  store_->get_range("obj", 1000, 5000, append);
  EXPECT_EQ(part, data.substr(1000, 5000));
  part.clear();
  store_->get_range("obj", 299990, 0, append);  // to the end
  EXPECT_EQ(part, data.substr(299990));
  EXPECT_THROW(store_->get_range("obj", 400000, 10, append), spackext::Error);
  EXPECT_THROW(store_->get_range("missing", 0, 10, append), spackext::Error);
}

TEST_F(HttpsStoreTest, ListWalksNestedDirectoriesAndHonoursThePrefix) {
  const std::map<std::string, std::string> objects = {
      {"v3/layout.json", "{}"},
      {"v3/manifests/spec/peerhello/peerhello-1.0-aaa.spec.manifest.json", "hello"},
      {"v3/manifests/spec/peerlib/peerlib-1.0-bbb.spec.manifest.json", "lib!"},
      {"v3/manifests/spec/peermpi/peermpi-1.0-ccc.spec.manifest.json", "mpi"},
      {"blobs/sha256/10/1048", "blob-one"},
      {"blobs/sha256/73/736c", "blob-two-"},
      {"top", "t"}};
  for (const auto& [k, v] : objects) spackext::put_bytes(*store_, k, v);
  // Something outside the mirror root must never be listed.
  fs::create_directories(server_->root() / "mirror/other");
  spackext::testing::write_file(server_->root() / "mirror/other/x", "x");
  spackext::testing::write_file(server_->root() / "mirror/rootless", "x");

  std::map<std::string, spackext::ObjectInfo> all;
  store_->list("", [&](const spackext::ObjectInfo& info) { all[info.key] = info; });
  ASSERT_EQ(all.size(), objects.size());
  for (const auto& [k, v] : objects) {
    ASSERT_TRUE(all.count(k)) << k;
    EXPECT_EQ(all[k].size, v.size()) << k;
    EXPECT_TRUE(all[k].modified) << k;
  }
  EXPECT_EQ(list_keys(*store_, "v3/manifests/spec/"),
            (std::set<std::string>{"v3/manifests/spec/peerhello/peerhello-1.0-aaa.spec.manifest.json",
                                   "v3/manifests/spec/peerlib/peerlib-1.0-bbb.spec.manifest.json",
                                   "v3/manifests/spec/peermpi/peermpi-1.0-ccc.spec.manifest.json"}));
  // A prefix ending inside a name filters directories and files by name.
  EXPECT_EQ(list_keys(*store_, "v3/manifests/spec/peerl"),
            std::set<std::string>{"v3/manifests/spec/peerlib/peerlib-1.0-bbb.spec.manifest.json"});
  EXPECT_EQ(list_keys(*store_, "blobs/sha256/7"), std::set<std::string>{"blobs/sha256/73/736c"});
  EXPECT_EQ(list_keys(*store_, "t"), std::set<std::string>{"top"});
  EXPECT_TRUE(list_keys(*store_, "nothing/here/").empty());
  // A mirror whose folder does not exist is not an empty mirror (issue 9.5).
  HttpsStore fresh(server_->url("/not/created/yet/"), trusting(*server_), quick());
  EXPECT_THROW(list_keys(fresh, ""), spackext::MirrorNotFound);
}

TEST_F(HttpsStoreTest, StatGetAndRemoveOfMissingObjects) {
  EXPECT_FALSE(store_->stat("nope"));
  try {
    get_all(*store_, "v3/nope.json");
    FAIL() << "get of a missing object succeeded";
  } catch (const spackext::Error& e) {
    EXPECT_NE(std::string(e.what()).find("object 'v3/nope.json' does not exist"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(server_->url("/mirror/root")), std::string::npos) << e.what();
  }
  spackext::put_bytes(*store_, "dir/obj", "x");
  EXPECT_FALSE(store_->stat("dir")) << "a directory is not an object";
  store_->remove("dir/obj");
  EXPECT_FALSE(store_->stat("dir/obj"));
  EXPECT_FALSE(fs::exists(server_->root() / "mirror/root/dir/obj"));
  EXPECT_NO_THROW(store_->remove("dir/obj"));  // removing twice is fine
}

TEST_F(HttpsStoreTest, ReadersNeverSeeAPartialObjectAndNoTemporariesRemain) {
  // Two versions of one key are written over and over while other threads
  // read it: every read is one whole version, every listing shows one key.
  const auto a = random_bytes(3 << 20, 3), b = random_bytes((3 << 20) + 17, 4);
  spackext::put_bytes(*store_, "index/shared.bin", a);
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, bad_reads{0}, bad_lists{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&, t] {
      while (!done) {
        if (t == 2) {
          auto keys = list_keys(*store_, "index/");
          if (keys != std::set<std::string>{"index/shared.bin"}) ++bad_lists;
          continue;
        }
        auto got = get_all(*store_, "index/shared.bin");
        ++reads;
        if (got != a && got != b) ++bad_reads;
      }
    });
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w)
    writers.emplace_back([&, w] {
      for (int i = 0; i < 6; ++i) {
        const auto& data = (i + w) % 2 ? b : a;
        store_->put("index/shared.bin", data.size(), chunked_source(data));
      }
    });
  for (auto& w : writers) w.join();
  done = true;
  for (auto& r : readers) r.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(bad_reads.load(), 0);
  EXPECT_EQ(bad_lists.load(), 0);
  EXPECT_TRUE(temporaries_on_disk(server_->root()).empty());
  // nginx itself stages PUT bodies and renames them into place, so the reads
  // above would also pass with a plain PUT; servers that write in place need
  // the store's own protocol: bytes to a temporary name, then one MOVE.
  const auto access = spackext::testing::read_file(dir_.path() / "access.log");
  EXPECT_NE(access.find("\"PUT /mirror/root/index/shared.bin.spackext-tmp-"), std::string::npos);
  EXPECT_NE(access.find("\"MOVE /mirror/root/index/shared.bin.spackext-tmp-"), std::string::npos);
  EXPECT_EQ(access.find("\"PUT /mirror/root/index/shared.bin HTTP"), std::string::npos);
  // Another writer's upload in flight is never listed.
  spackext::testing::write_file(server_->root() / "mirror/root/index/shared.bin.spackext-tmp-0123456789abcdef", "x");
  EXPECT_EQ(list_keys(*store_, "index/"), std::set<std::string>{"index/shared.bin"});
}

TEST_F(HttpsStoreTest, FailedUploadLeavesTheOldObjectAndNoTemporary) {
  spackext::put_bytes(*store_, "obj", "old contents");
  const auto data = random_bytes(2 << 20, 5);
  std::size_t given = 0;
  // A source that ends a mebibyte early (a truncated file).
  spackext::ByteSource short_source = [&](char* buffer, std::size_t capacity) -> std::size_t {
    const std::size_t n = std::min(capacity, (1u << 20) - given);
    std::memcpy(buffer, data.data() + given, n);
    given += n;
    return n;
  };
  try {
    store_->put("obj", data.size(), short_source);
    FAIL() << "a short source was published";
  } catch (const spackext::Error& e) {
    EXPECT_NE(std::string(e.what()).find("early"), std::string::npos) << e.what();
  }
  EXPECT_EQ(get_all(*store_, "obj"), "old contents");
  EXPECT_TRUE(temporaries_on_disk(server_->root()).empty());
  EXPECT_EQ(list_keys(*store_, ""), std::set<std::string>{"obj"});
}

TEST_F(HttpsStoreTest, IfNoneMatchCreatesOnlyAndTheServerEnforcesIt) {
  spackext::PutOptions create_only;
  create_only.if_none_match = true;
  spackext::put_bytes(*store_, "v3/manifests/index/index.manifest.json", "first", create_only);
  try {
    spackext::put_bytes(*store_, "v3/manifests/index/index.manifest.json", "second", create_only);
    FAIL() << "if_none_match replaced an existing object";
  } catch (const spackext::PreconditionFailed& e) {
    EXPECT_NE(std::string(e.what()).find("precondition"), std::string::npos) << e.what();
  }
  EXPECT_EQ(get_all(*store_, "v3/manifests/index/index.manifest.json"), "first");
  EXPECT_TRUE(temporaries_on_disk(server_->root()).empty());
  // Racing creators: exactly one wins.
  std::atomic<int> won{0}, lost{0};
  std::vector<std::thread> racers;
  for (int i = 0; i < 6; ++i)
    racers.emplace_back([&, i] {
      try {
        spackext::put_bytes(*store_, "race", "racer " + std::to_string(i), create_only);
        ++won;
      } catch (const spackext::PreconditionFailed&) {
        ++lost;
      }
    });
  for (auto& r : racers) r.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), 5);
}

// nginx ignores If-Match, and a HEAD before the MOVE would leave a window in
// which another writer's object is replaced unnoticed: the condition is
// refused (issue 9.8), before anything is uploaded.
TEST_F(HttpsStoreTest, IfMatchIsRefusedNotPretended) {
  auto first = spackext::put_bytes(*store_, "index.json", "version one");
  ASSERT_FALSE(first.etag.empty());
  spackext::PutOptions expect_first;
  expect_first.if_match = first.etag;
  EXPECT_THROW(spackext::put_bytes(*store_, "index.json", "version two", expect_first),
               spackext::ConditionsUnsupported);
  EXPECT_EQ(get_all(*store_, "index.json"), "version one");
  EXPECT_TRUE(temporaries_on_disk(server_->root()).empty());
}

TEST_F(HttpsStoreTest, ConcurrentTransfersOnOneStore) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const auto key = "blobs/" + std::to_string(t) + "/" + std::to_string(i);
        const auto data = random_bytes(1000 + t * 977 + i, t * 100 + i);
        spackext::put_bytes(*store_, key, data);
        if (get_all(*store_, key) != data) ++failures;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(list_keys(*store_, "blobs/").size(), 40u);
}

TEST_F(HttpsStoreTest, UntrustedServerIsAClearTlsErrorNamingTheMirror) {
  TempDir other;
  spackext::test::make_ca(other.path(), "some other CA", false);
  HttpsSettings wrong;
  wrong.ca_bundle = (other.path() / "ca.pem").string();
  HttpsStore wrong_ca(server_->url("/mirror/root"), wrong, quick());
  HttpsStore system_store(server_->url("/mirror/root"), HttpsSettings{}, quick());
  for (auto* store : {&wrong_ca, &system_store}) {
    try {
      store->stat("v3/layout.json");
      FAIL() << "a server signed by an untrusted CA was accepted";
    } catch (const spackext::Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("TLS verification"), std::string::npos) << msg;
      EXPECT_NE(msg.find("mirror " + server_->url("/mirror/root")), std::string::npos) << msg;
      EXPECT_NE(msg.find("ca_bundle"), std::string::npos) << msg;
    }
  }
}

TEST_F(HttpsStoreTest, BackendResolvesTheCaBundleFromSettingsOrEnvironment) {
  HttpsMirrorBackend backend;
  spackext::put_bytes(*store_, "x", "via settings");
  auto by_settings = backend.open(server_->url("/mirror/root"), {{"ca_bundle", server_->ca_file().string()}});
  EXPECT_EQ(get_all(*by_settings, "x"), "via settings");
  ::setenv("SPACK_EXT_CA_BUNDLE", server_->ca_file().c_str(), 1);
  auto by_env = backend.open(server_->url("/mirror/root"), nlohmann::json::object());
  ::unsetenv("SPACK_EXT_CA_BUNDLE");
  EXPECT_EQ(get_all(*by_env, "x"), "via settings");
  EXPECT_THROW(backend.open(server_->url("/m"), {{"ca_bundle", (dir_.path() / "missing.pem").string()}}),
               spackext::InputError);
}

TEST(HttpsStorePlain, HttpSchemeWorksTheSameWay) {
  SPACKEXT_REQUIRE_NGINX_DAV();
  TempDir dir;
  NginxDavOptions o;
  o.tls = false;
  NginxDav server(dir.path(), o);
  ASSERT_TRUE(server.ready()) << server.log();
  auto store = HttpsMirrorBackend().open(server.url("/cache"), nlohmann::json::object());
  const auto data = random_bytes(2 << 20, 6);
  store->put("a/b", data.size(), chunked_source(data));
  EXPECT_EQ(get_all(*store, "a/b"), data);
  EXPECT_EQ(list_keys(*store, ""), std::set<std::string>{"a/b"});
}

TEST(HttpsStoreNoDav, ListingAndWritingWithoutWebDavSaySoWhileDownloadsWork) {
  SPACKEXT_REQUIRE_NGINX_DAV();
  TempDir dir;
  NginxDavOptions o;
  o.webdav = false;
  NginxDav server(dir.path(), o);
  ASSERT_TRUE(server.ready()) << server.log();
  fs::create_directories(server.root() / "cache/v3");
  spackext::testing::write_file(server.root() / "cache/v3/layout.json", "{\"signing\": \"gpg\"}");
  HttpsStore store(server.url("/cache"), trusting(server), quick());
  EXPECT_EQ(get_all(store, "v3/layout.json"), "{\"signing\": \"gpg\"}");
  try {
    list_keys(store, "v3/");
    FAIL() << "listing without PROPFIND succeeded";
  } catch (const spackext::Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs WebDAV"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(server.url("/cache")), std::string::npos) << e.what();
  }
  try {
    spackext::put_bytes(store, "v3/new.json", "{}");
    FAIL() << "PUT to a static server succeeded";
  } catch (const spackext::Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs WebDAV"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("v3/new.json"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(server.root() / "cache/v3/new.json"));
}

TEST(HttpsStoreAuth, AnonymousReadsWhileWritesNeedTheRightPassword) {
  SPACKEXT_REQUIRE_NGINX_DAV();
  TempDir dir;
  NginxDavOptions o;
  o.auth = DavAuth::basic_for_writes;
  NginxDav server(dir.path(), o);
  ASSERT_TRUE(server.ready()) << server.log();
  auto settings = trusting(server);
  settings.basic_user = o.user;
  settings.basic_password = o.password;
  HttpsStore writer(server.url("/m"), settings, quick());
  spackext::put_bytes(writer, "v3/layout.json", "{}");
  EXPECT_TRUE(writer.stat("v3/layout.json"));

  HttpsStore anonymous(server.url("/m"), trusting(server), quick());
  EXPECT_EQ(get_all(anonymous, "v3/layout.json"), "{}");
  EXPECT_EQ(list_keys(anonymous, ""), std::set<std::string>{"v3/layout.json"});
  try {
    spackext::put_bytes(anonymous, "v3/layout.json", "overwritten");
    FAIL() << "anonymous PUT succeeded";
  } catch (const spackext::InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("credentials"), std::string::npos) << msg;
    EXPECT_NE(msg.find("mirror " + server.url("/m")), std::string::npos) << msg;
    EXPECT_NE(msg.find("v3/layout.json"), std::string::npos) << msg;
  }
  EXPECT_THROW(anonymous.remove("v3/layout.json"), spackext::InputError);

  auto wrong = trusting(server);
  wrong.basic_user = o.user;
  wrong.basic_password = "Wrong-Password-9931";
  HttpsStore intruder(server.url("/m"), wrong, quick());
  try {
    spackext::put_bytes(intruder, "v3/layout.json", "overwritten");
    FAIL() << "PUT with a wrong password succeeded";
  } catch (const spackext::InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("credentials are missing or wrong"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("Wrong-Password-9931"), std::string::npos) << msg;
  }
  EXPECT_EQ(get_all(anonymous, "v3/layout.json"), "{}");
  EXPECT_TRUE(temporaries_on_disk(server.root()).empty());
}

TEST(HttpsStoreAuth, BearerTokenFromTheVariableTheMirrorNames) {
  SPACKEXT_REQUIRE_NGINX_DAV();
  TempDir dir;
  NginxDavOptions o;
  o.auth = DavAuth::bearer_for_all;
  NginxDav server(dir.path(), o);
  ASSERT_TRUE(server.ready()) << server.log();
  const nlohmann::json settings = {{"ca_bundle", server.ca_file().string()},
                                   {"access_token_variable", "SPACKEXT_TEST_DAV_TOKEN"}};
  HttpsMirrorBackend backend;
  ::unsetenv("SPACKEXT_TEST_DAV_TOKEN");
  try {
    backend.open(server.url("/m"), settings);
    FAIL() << "a missing token variable was accepted";
  } catch (const spackext::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("SPACKEXT_TEST_DAV_TOKEN"), std::string::npos) << e.what();
  }
  ::setenv("SPACKEXT_TEST_DAV_TOKEN", o.token.c_str(), 1);
  auto store = backend.open(server.url("/m"), settings);
  ::setenv("SPACKEXT_TEST_DAV_TOKEN", "tok-Wrong-1234", 1);
  auto wrong = backend.open(server.url("/m"), settings);
  ::unsetenv("SPACKEXT_TEST_DAV_TOKEN");
  spackext::put_bytes(*store, "k", "v");
  EXPECT_EQ(get_all(*store, "k"), "v");
  EXPECT_EQ(list_keys(*store, ""), std::set<std::string>{"k"});
  try {
    get_all(*wrong, "k");
    FAIL() << "a wrong token was accepted";
  } catch (const spackext::InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("credentials are missing or wrong"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("tok-Wrong-1234"), std::string::npos) << msg;
  }
  HttpsStore anonymous(server.url("/m"), trusting(server), quick());
  EXPECT_THROW(anonymous.stat("k"), spackext::InputError);
  EXPECT_THROW(list_keys(anonymous, ""), spackext::InputError);
}

}  // namespace
