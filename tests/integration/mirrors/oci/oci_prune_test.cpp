// `buildcache prune` on a live docker-registry holding Spack's OCI registry
// dump, one image of which was built 100 days ago (aged_dump.hpp): the old
// image is untagged and its own blobs deleted, the layers other images share
// stay, the index is republished; a registry that refuses deletes is a clear
// error with nothing changed; an image another tag names too stays; a blob
// no manifest references yet (a push in progress) is never touched.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "aged_dump.hpp"
#include "oci_store.hpp"
#include "registry_server.hpp"

namespace {

using spackext::testing::read_file;
using spackext::testing::run_host;
using spackext::testing::TempDir;
using Json = nlohmann::json;
using namespace std::chrono_literals;

using spackext::test::kHello;
using spackext::test::kLib;
using spackext::test::kMpi;

std::set<std::string> tags_of(spackext::mirrors::oci::OciStore& store) {
  auto t = store.tags().value_or(std::vector<std::string>{});
  return {t.begin(), t.end()};
}

// Names of the specs the mirror's published index lists.
std::set<std::string> indexed(const std::string& url, const std::filesystem::path& home) {
  auto r = run_host({"--json", "buildcache", "list", url}, home);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> out;
  const auto doc = Json::parse(r.out);  // kept alive for the loop
  for (const auto& s : doc["specs"]) out.insert(s["name"].get<std::string>());
  return out;
}

std::string blob_key(const Json& descriptor) {
  return "blobs/sha256/" + descriptor["digest"].get<std::string>().substr(7);
}

struct Registry {
  TempDir home;
  std::unique_ptr<spackext::test::RegistryServer> server;
  std::string url;
  std::map<std::string, std::string> digests;  // tag -> manifest digest
  Json hello;                                   // peerhello's manifest

  explicit Registry(const std::filesystem::path& dump, spackext::test::RegistryOptions options = {},
                    const std::string& old = "peerhello-") {
    server = std::make_unique<spackext::test::RegistryServer>(home.path(), options);
    if (!server->ready()) throw std::runtime_error(server->failure());
    url = server->mirror_url("peer/buildcache");
    const auto aged = home / "aged";
    digests = spackext::test::aged_dump(dump, aged, {{old, 100 * 24h}});
    hello = Json::parse(read_file(aged / "manifests" / kHello));
    auto sync = run_host({"buildcache", "sync", "file://" + aged.string(), url}, home.path());
    if (sync.exit_code != 0) throw std::runtime_error("sync: " + sync.err);
  }
};

TEST(OciPrune, OldImageIsUntaggedItsBlobsGoSharedLayersStay) {
  SPACKEXT_REQUIRE_REGISTRY();
  SPACKEXT_REQUIRE_FIXTURE(dump, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  Registry reg(dump);
  spackext::mirrors::oci::OciStore store(reg.url, {});
  ASSERT_EQ(indexed(reg.url, reg.home.path()), (std::set<std::string>{"peerhello", "peerlib", "peermpi"}));
  const auto& layers = reg.hello["layers"];
  const auto own_tarball = blob_key(layers.back()), config = blob_key(reg.hello["config"]);

  auto plan = run_host({"--json", "buildcache", "prune", reg.url, "--older-than", "30", "--dry-run"}, reg.home.path());
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  const auto planned = Json::parse(plan.out);
  ASSERT_EQ(planned["specs"].size(), 1u) << plan.out;  // peerhello is a leaf: nothing depends on it
  EXPECT_EQ(planned["objects"].get<std::set<std::string>>(),
            (std::set<std::string>{"manifests/" + kHello, config, own_tarball}))
      << plan.out;
  EXPECT_TRUE(tags_of(store).count(kHello));

  auto r = run_host({"--json", "buildcache", "prune", reg.url, "--older-than", "30"}, reg.home.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["objects"], planned["objects"]) << r.out;
  EXPECT_EQ(tags_of(store), (std::set<std::string>{"index.spack", kLib, kMpi}));
  EXPECT_FALSE(store.stat("manifests/" + reg.digests[kHello]));  // the manifest itself, not only the tag
  EXPECT_FALSE(store.stat(config));
  EXPECT_FALSE(store.stat(own_tarball));
  for (std::size_t i = 0; i + 1 < layers.size(); ++i)  // peerlib's and peermpi's tarballs
    EXPECT_TRUE(store.stat(blob_key(layers[i]))) << layers[i].dump();
  EXPECT_TRUE(store.stat("manifests/" + kLib));
  EXPECT_EQ(indexed(reg.url, reg.home.path()), (std::set<std::string>{"peerlib", "peermpi"}));
  auto verify = run_host({"buildcache", "verify", reg.url, "--no-signatures"}, reg.home.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  auto again = run_host({"--json", "buildcache", "prune", reg.url, "--older-than", "30"}, reg.home.path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(Json::parse(again.out)["objects"].empty()) << again.out;
}

TEST(OciPrune, OldDependencyTakesItsDependentsAndEveryLayer) {
  SPACKEXT_REQUIRE_REGISTRY();
  SPACKEXT_REQUIRE_FIXTURE(dump, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  // Only peermpi is old, but peerlib links it and peerhello links peerlib
  // (Spack's spec files): all three go, and with them every layer, since no
  // manifest left names one (peerhello's image names all three tarballs).
  Registry reg(dump, {}, "peermpi-");
  spackext::mirrors::oci::OciStore store(reg.url, {});
  auto r = run_host({"--json", "buildcache", "prune", reg.url, "--older-than", "30"}, reg.home.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["specs"].size(), 3u) << r.out;
  EXPECT_EQ(tags_of(store), std::set<std::string>{"index.spack"});
  for (const auto& l : reg.hello["layers"]) EXPECT_FALSE(store.stat(blob_key(l))) << l.dump();
  EXPECT_TRUE(indexed(reg.url, reg.home.path()).empty());
  auto verify = run_host({"buildcache", "verify", reg.url, "--no-signatures"}, reg.home.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST(OciPrune, RegistryThatRefusesDeletesIsAClearErrorAndChangesNothing) {
  SPACKEXT_REQUIRE_REGISTRY();
  SPACKEXT_REQUIRE_FIXTURE(dump, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  spackext::test::RegistryOptions no_deletes;
  no_deletes.deletes = false;
  Registry reg(dump, no_deletes);
  spackext::mirrors::oci::OciStore store(reg.url, {});
  const auto before = tags_of(store);
  auto r = run_host({"buildcache", "prune", reg.url, "--older-than", "30"}, reg.home.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("the registry does not allow deletes"), std::string::npos) << r.err;
  EXPECT_EQ(tags_of(store), before);
  // Asked before publishing: the index still lists the spec that stays.
  EXPECT_EQ(indexed(reg.url, reg.home.path()), (std::set<std::string>{"peerhello", "peerlib", "peermpi"}));
}

TEST(OciPrune, ImageAnotherTagNamesTooStays) {
  SPACKEXT_REQUIRE_REGISTRY();
  SPACKEXT_REQUIRE_FIXTURE(dump, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  Registry reg(dump);
  spackext::mirrors::oci::OciStore store(reg.url, {});
  // `spack buildcache push -t release` of one spec without dependencies in
  // the registry tags that spec's own manifest: here, by hand.
  const auto bytes = read_file(reg.home / "aged/manifests" / kHello);
  spackext::put_bytes(store, "manifests/release", bytes, {.content_type = "application/vnd.oci.image.manifest.v1+json"});
  auto r = run_host({"--json", "buildcache", "prune", reg.url, "--older-than", "30"}, reg.home.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = Json::parse(r.out);
  EXPECT_TRUE(report["specs"].empty()) << r.out;
  EXPECT_EQ(report["pinned"].size(), 2u) << r.out;  // both tags are the image of peerhello
  EXPECT_TRUE(tags_of(store).count(kHello));
  EXPECT_TRUE(tags_of(store).count("release"));
}

TEST(OciPrune, BlobNoManifestReferencesYetIsNeverTouched) {
  SPACKEXT_REQUIRE_REGISTRY();
  SPACKEXT_REQUIRE_FIXTURE(dump, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  Registry reg(dump);
  spackext::mirrors::oci::OciStore store(reg.url, {});
  // The first half of a push: a layer uploaded just now, its manifest still to come.
  const std::string data = "a layer whose manifest comes next";
  spackext::testing::write_file(reg.home / "layer", data);
  const auto key = "blobs/sha256/" + spackext::test::sha256_of_file(reg.home / "layer");
  spackext::put_bytes(store, key, data);
  for (const char* grace : {"1", "0"}) {
    auto r = run_host({"--json", "buildcache", "prune", reg.url, "--orphans", "--orphan-grace", grace, "--older-than", "30"},
                      reg.home.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto objects = Json::parse(r.out)["objects"];
    EXPECT_EQ(std::count(objects.begin(), objects.end(), Json(key)), 0) << r.out;
    EXPECT_TRUE(store.stat(key)) << "grace " << grace;
  }
}

}  // namespace
