// OciStore against a real docker-registry: blobs (monolithic and chunked),
// digest checks, manifests and their media types, the derived listing,
// removal, conditional puts, Basic and token auth, and TLS.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include <spackext/errors.hpp>

#include "oci_store.hpp"
#include "registry_server.hpp"
#include "sha256.hpp"
#include "token_server.hpp"

namespace spackext::mirrors::oci {
namespace {

using spackext::testing::TempDir;
using spackext::test::RegistryOptions;
using spackext::test::RegistryServer;
using Json = nlohmann::json;

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(gen() & 0xff);
  return s;
}

std::string read_all(MirrorStore& store, const std::string& key) {
  std::string out;
  store.get(key, [&](const char* d, std::size_t n) {
    out.append(d, n);
    return true;
  });
  return out;
}

std::string blob_key(const std::string& data) { return "blobs/sha256/" + sha256_hex(data); }

OciStoreOptions quick(OciStoreOptions o = {}) {
  o.http.max_attempts = 2;
  o.http.sleep = [](std::chrono::milliseconds) {};
  return o;
}

// A minimal image: config + one layer; returns the manifest text.
std::string push_image(OciStore& store, const std::string& tag, const std::string& layer, const std::string& type,
                       const std::string& layer_type) {
  const std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  put_bytes(store, blob_key(config), config);
  put_bytes(store, blob_key(layer), layer);
  Json m = {{"schemaVersion", 2},
            {"mediaType", type},
            {"config",
             {{"mediaType", type == kDockerManifest ? "application/vnd.docker.container.image.v1+json"
                                                    : "application/vnd.oci.image.config.v1+json"},
              {"digest", "sha256:" + sha256_hex(config)},
              {"size", config.size()}}},
            {"layers", Json::array({{{"mediaType", layer_type},
                                     {"digest", "sha256:" + sha256_hex(layer)},
                                     {"size", layer.size()}}})}};
  auto text = m.dump();
  put_bytes(store, "manifests/" + tag, text);
  return text;
}

class OciStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(spackext::test::registry_binary()))
      GTEST_SKIP() << "docker-registry not installed (see scripts/deps/mirrors.txt)";
    server_ = std::make_unique<RegistryServer>(dir_.path());
    ASSERT_TRUE(server_->ready()) << server_->failure();
  }
  std::unique_ptr<OciStore> open(OciStoreOptions o = {}) {
    return std::make_unique<OciStore>(server_->mirror_url("spack/buildcache"), RegistryCredentials{}, quick(o));
  }
  TempDir dir_;
  std::unique_ptr<RegistryServer> server_;
};

TEST_F(OciStoreTest, MonolithicBlobRoundTrip) {
  auto store = open();
  const auto data = random_bytes(300000, 1);
  EXPECT_FALSE(store->stat(blob_key(data)));
  auto info = put_bytes(*store, blob_key(data), data);
  EXPECT_EQ(info.size, data.size());
  EXPECT_EQ(info.etag, "sha256:" + sha256_hex(data));
  auto st = store->stat(blob_key(data));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->size, data.size());
  EXPECT_EQ(read_all(*store, blob_key(data)), data);
  // Present already: the bytes are checked but not sent again.
  EXPECT_EQ(put_bytes(*store, blob_key(data), data).size, data.size());
}

TEST_F(OciStoreTest, ChunkedBlobRoundTrip) {
  OciStoreOptions o;
  o.chunk_threshold = 100000;
  o.chunk_size = 64 * 1024 + 3;  // several PATCHes, the last one short
  auto store = open(o);
  const auto data = random_bytes(300001, 2);
  put_bytes(*store, blob_key(data), data);
  EXPECT_EQ(read_all(*store, blob_key(data)), data);
  EXPECT_EQ(store->stat(blob_key(data))->size, data.size());
}

TEST_F(OciStoreTest, BlobWhoseContentIsNotItsDigestIsRefused) {
  OciStoreOptions chunked;
  chunked.chunk_threshold = 1000;
  chunked.chunk_size = 700;
  for (auto o : {OciStoreOptions{}, chunked}) {
    auto store = open(o);
    const auto data = random_bytes(5000, 3);
    const auto wrong = blob_key(random_bytes(10, 4));
    try {
      put_bytes(*store, wrong, data);
      FAIL() << "a blob under another digest was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("content hashes to sha256:" + sha256_hex(data)), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(wrong), std::string::npos) << e.what();
    }
    EXPECT_FALSE(store->stat(wrong));
    EXPECT_FALSE(store->stat(blob_key(data)));
  }
}

TEST_F(OciStoreTest, ManifestsKeepTheirBytesAndMediaTypes) {
  auto store = open();
  auto oci_text = push_image(*store, "zlib-1.3.spack", "layer-one", kOciManifest, "application/vnd.oci.image.layer.v1.tar+gzip");
  auto docker_text = push_image(*store, "docker-style", "layer-two", kDockerManifest,
                                "application/vnd.docker.image.rootfs.diff.tar.gzip");
  EXPECT_EQ(read_all(*store, "manifests/zlib-1.3.spack"), oci_text);
  EXPECT_EQ(read_all(*store, "manifests/docker-style"), docker_text);
  auto st = store->stat("manifests/zlib-1.3.spack");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->etag, "sha256:" + sha256_hex(oci_text));
  EXPECT_EQ(st->size, oci_text.size());
  // By digest as well, and the registry reports the type it was put with.
  EXPECT_EQ(read_all(*store, "manifests/sha256:" + sha256_hex(oci_text)), oci_text);
  http::Client raw;
  for (auto [tag, type] : {std::pair{"zlib-1.3.spack", kOciManifest}, std::pair{"docker-style", kDockerManifest}}) {
    auto r = raw.send({.method = "GET",
                       .url = server_->base_url() + "/v2/spack/buildcache/manifests/" + tag,
                       .headers = {{"Accept", type}}});
    EXPECT_EQ(r.status, 200) << tag;
    EXPECT_EQ(r.header("content-type"), type) << tag;
  }
  // A manifest whose layers are missing is the registry's error, named.
  Json dangling = Json::parse(oci_text);
  dangling["layers"][0]["digest"] = "sha256:" + sha256_hex("not uploaded");
  EXPECT_THROW(put_bytes(*store, "manifests/dangling", dangling.dump()), Error);
  // A digest key must match the content.
  EXPECT_THROW(put_bytes(*store, "manifests/sha256:" + sha256_hex("other"), oci_text), InputError);
}

TEST_F(OciStoreTest, ListDerivesTagsManifestsAndReferencedBlobs) {
  auto store = open();
  // No repository yet: not an empty mirror (issue 9.5).
  EXPECT_THROW(store->list("", [](const ObjectInfo&) {}), MirrorNotFound);
  EXPECT_FALSE(store->stat("tags/list"));
  auto a = push_image(*store, "a", "shared-layer", kOciManifest, "application/vnd.oci.image.layer.v1.tar+gzip");
  auto b = push_image(*store, "b", "shared-layer", kOciManifest, "application/vnd.oci.image.layer.v1.tar+gzip");
  const auto unreferenced = random_bytes(100, 5);
  put_bytes(*store, blob_key(unreferenced), unreferenced);
  std::map<std::string, ObjectInfo> listed;
  store->list("", [&](const ObjectInfo& o) { EXPECT_TRUE(listed.emplace(o.key, o).second) << "twice: " << o.key; });
  // tags/list, two manifests, one config and one layer (both shared).
  EXPECT_EQ(listed.size(), 5u);
  ASSERT_TRUE(listed.count("manifests/a"));
  EXPECT_EQ(listed["manifests/a"].size, a.size());
  EXPECT_EQ(listed["manifests/a"].etag, "sha256:" + sha256_hex(a));
  EXPECT_EQ(listed[blob_key("shared-layer")].size, std::string("shared-layer").size());
  EXPECT_FALSE(listed.count(blob_key(unreferenced)));  // registries cannot list blobs
  auto tags = Json::parse(read_all(*store, "tags/list"));
  EXPECT_EQ(tags["name"], "spack/buildcache");
  auto names = tags["tags"].get<std::vector<std::string>>();
  std::sort(names.begin(), names.end());  // in the registry's order
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(listed["tags/list"].size, read_all(*store, "tags/list").size());
  std::vector<std::string> blobs;
  store->list("blobs/", [&](const ObjectInfo& o) { blobs.push_back(o.key); });
  EXPECT_EQ(blobs.size(), 2u);
  std::vector<std::string> only_b;
  store->list("manifests/b", [&](const ObjectInfo& o) { only_b.push_back(o.key); });
  EXPECT_EQ(only_b, std::vector<std::string>{"manifests/b"});
  std::vector<std::string> v3;
  store->list("v3/", [&](const ObjectInfo& o) { v3.push_back(o.key); });
  EXPECT_TRUE(v3.empty());
}

// A dangling tag: listed by the registry, its link pointing at a manifest
// that is gone (what docker-registry leaves when a tag is pushed while the
// manifest it names is deleted by digest). It names no object: the listing
// leaves it out instead of failing on every run, and stat agrees.
TEST_F(OciStoreTest, DanglingTagNamesNoObject) {
  auto store = open();
  push_image(*store, "a", "layer-a", kOciManifest, "application/vnd.oci.image.layer.v1.tar+gzip");
  const auto tag_dir =
      server_->data_dir() / "docker/registry/v2/repositories/spack/buildcache/_manifests/tags/ghost/current";
  std::filesystem::create_directories(tag_dir);
  spackext::testing::write_file(tag_dir / "link", "sha256:" + sha256_hex("a manifest that was deleted"));
  EXPECT_EQ(Json::parse(read_all(*store, "tags/list"))["tags"].size(), 2u);  // the registry lists it
  std::set<std::string> listed;
  store->list("", [&](const ObjectInfo& o) { listed.insert(o.key); });
  EXPECT_TRUE(listed.count("manifests/a"));
  EXPECT_FALSE(listed.count("manifests/ghost"));
  EXPECT_EQ(listed.size(), 4u);  // tags/list, manifests/a, its config and layer
  EXPECT_FALSE(store->stat("manifests/ghost"));
}

TEST_F(OciStoreTest, TagListPutIsIgnoredAndOtherKeysAreRefused) {
  auto store = open();
  push_image(*store, "a", "layer", kOciManifest, "application/vnd.oci.image.layer.v1.tar+gzip");
  put_bytes(*store, "tags/list", R"({"name":"spack/buildcache","tags":["a","not-there"]})");
  EXPECT_EQ(Json::parse(read_all(*store, "tags/list"))["tags"], Json::array({"a"}));
  EXPECT_THROW(put_bytes(*store, "build_cache/index.json", "{}"), InputError);
  EXPECT_FALSE(store->stat("build_cache/index.json"));
  EXPECT_THROW(read_all(*store, "v3/layout.json"), Error);
}

TEST_F(OciStoreTest, RemoveManifestByTagAndBlob) {
  auto store = open();
  push_image(*store, "keep", "layer-k", kOciManifest, "application/vnd.oci.image.layer.v1.tar+gzip");
  push_image(*store, "drop", "layer-d", kOciManifest, "application/vnd.oci.image.layer.v1.tar+gzip");
  store->remove("manifests/drop");
  EXPECT_FALSE(store->stat("manifests/drop"));
  EXPECT_TRUE(store->stat("manifests/keep"));
  EXPECT_EQ(Json::parse(read_all(*store, "tags/list"))["tags"], Json::array({"keep"}));
  store->remove(blob_key("layer-d"));
  EXPECT_FALSE(store->stat(blob_key("layer-d")));
  EXPECT_TRUE(store->stat(blob_key("layer-k")));
  EXPECT_NO_THROW(store->remove("manifests/drop"));  // gone already
}

// The distribution API has no conditional manifest PUT, and a HEAD before
// the PUT would leave a window for another writer: conditions are refused
// (issue 9.8), and nothing is written.
TEST_F(OciStoreTest, ConditionalManifestPutsAreRefused) {
  auto store = open();
  auto text = push_image(*store, "index.spack", "idx", kOciManifest, "application/vnd.oci.image.layer.v1.tar+gzip");
  auto before = store->stat("manifests/index.spack");
  PutOptions create_only;
  create_only.if_none_match = true;
  EXPECT_THROW(put_bytes(*store, "manifests/index.spack", text, create_only), ConditionsUnsupported);
  PutOptions current;
  current.if_match = before->etag;
  EXPECT_THROW(put_bytes(*store, "manifests/index.spack", text, current), ConditionsUnsupported);
  EXPECT_EQ(store->stat("manifests/index.spack")->etag, before->etag);
}

// --- authentication -------------------------------------------------------

TEST(OciStoreAuth, BasicAuthWithHtpasswd) {
  SPACKEXT_REQUIRE_REGISTRY();
  TempDir dir;
  RegistryOptions ro;
  ro.auth = RegistryOptions::Auth::htpasswd;
  RegistryServer server(dir.path(), ro);
  ASSERT_TRUE(server.ready()) << server.failure();
  const auto url = server.mirror_url("spack/buildcache");
  OciStore store(url, {"ciuser", "cipass"}, quick());
  push_image(store, "a", "layer", kOciManifest, "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_EQ(read_all(store, blob_key("layer")), "layer");
  EXPECT_EQ(Json::parse(read_all(store, "tags/list"))["tags"], Json::array({"a"}));

  OciStore anonymous(url, {}, quick());
  try {
    anonymous.stat("manifests/a");
    FAIL() << "anonymous access succeeded";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(url), std::string::npos) << what;
    EXPECT_NE(what.find("manifests/a"), std::string::npos) << what;
    EXPECT_NE(what.find("access_pair"), std::string::npos) << what;
  }
  OciStore wrong(url, {"ciuser", "not-the-password"}, quick());
  try {
    read_all(wrong, blob_key("layer"));
    FAIL() << "a wrong password was accepted";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("refused"), std::string::npos) << what;
    EXPECT_EQ(what.find("not-the-password"), std::string::npos) << what;
  }
}

TEST(OciStoreAuth, BearerTokensFromATokenServerTheRegistryVerifies) {
  SPACKEXT_REQUIRE_REGISTRY();
  TempDir dir;
  RegistryOptions ro;
  ro.auth = RegistryOptions::Auth::token;
  spackext::test::TokenServer tokens(dir.path(), "ciuser", "cipass", ro.token_service, ro.token_issuer);
  ro.token_realm = tokens.realm();
  ro.token_cert = tokens.cert_file();
  RegistryServer server(dir.path(), ro);
  ASSERT_TRUE(server.ready()) << server.failure();
  const auto url = server.mirror_url("spack/buildcache");

  OciStore store(url, {"ciuser", "cipass"}, quick());
  const auto layer = random_bytes(200000, 6);
  push_image(store, "a", layer, kOciManifest, "application/vnd.oci.image.layer.v1.tar+gzip");
  push_image(store, "b", "small", kOciManifest, "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_EQ(read_all(store, blob_key(layer)), layer);
  std::map<std::string, ObjectInfo> listed;
  store.list("", [&](const ObjectInfo& o) { listed.emplace(o.key, o); });
  EXPECT_EQ(listed.size(), 6u);  // tags/list, 2 manifests, 1 shared config, 2 layers
  store.remove("manifests/b");
  EXPECT_FALSE(store.stat("manifests/b"));
  // Tokens are cached per scope: one each for pull, push and delete, not one per request.
  EXPECT_LE(tokens.requests(), 3) << "token requests: " << tokens.requests();
  for (const auto& s : tokens.scopes()) EXPECT_EQ(s.rfind("repository:spack/buildcache:", 0), 0u) << s;

  // The registry checks the granted actions: a pull-only token cannot push.
  tokens.restrict_actions({"pull"});
  OciStore reader(url, {"ciuser", "cipass"}, quick());
  EXPECT_EQ(read_all(reader, "manifests/a"), read_all(store, "manifests/a"));
  EXPECT_THROW(put_bytes(reader, blob_key("new"), "new"), InputError);
  EXPECT_FALSE(store.stat(blob_key("new")));

  OciStore wrong(url, {"ciuser", "wrong-secret-123"}, quick());
  try {
    wrong.stat("manifests/a");
    FAIL() << "a wrong password got a token";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("refused"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("wrong-secret-123"), std::string::npos) << e.what();
  }
  OciStore anonymous(url, {}, quick());
  EXPECT_THROW(anonymous.stat("manifests/a"), InputError);
}

TEST(OciStoreTls, HttpsWithACustomCaAndVerificationOn) {
  SPACKEXT_REQUIRE_REGISTRY();
  TempDir dir;
  RegistryOptions ro;
  ro.tls = true;
  RegistryServer server(dir.path(), ro);
  ASSERT_TRUE(server.ready()) << server.failure();
  const auto url = server.mirror_url("spack/buildcache");
  ASSERT_EQ(url.rfind("oci://", 0), 0u);
  OciMirrorBackend backend;
  auto store = backend.open(url, Json{{"url", url}, {"ca_bundle", server.ca_cert()}});
  put_bytes(*store, blob_key("over tls"), "over tls");
  EXPECT_EQ(read_all(*store, blob_key("over tls")), "over tls");
  // Without the CA the self-signed certificate is refused.
  auto untrusted = backend.open(url, Json{{"url", url}});
  EXPECT_THROW(untrusted->stat(blob_key("over tls")), Error);
}

}  // namespace
}  // namespace spackext::mirrors::oci
