// End to end through the host with Spack's own OCI registry dump (a file://
// store): its images put into a live docker-registry through the OCI store
// (and through `buildcache sync`), then listed and verified there by the
// host, and read back by skopeo. Expectations come from the fixture's files.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "file_store.hpp"
#include "oci_store.hpp"
#include "registry_server.hpp"

namespace {

using spackext::testing::read_file;
using spackext::testing::run_host;
using spackext::testing::TempDir;
using Json = nlohmann::json;

// Specs the fixture's index says are in the buildcache (hash -> name).
std::map<std::string, std::string> fixture_specs(const std::filesystem::path& index_json) {
  std::map<std::string, std::string> out;
  const auto index = Json::parse(read_file(index_json));
  for (const auto& [hash, record] : index["database"]["installs"].items())
    if (record.value("in_buildcache", false)) out[hash] = record["spec"]["name"].get<std::string>();
  return out;
}

std::map<std::string, std::string> listed_specs(const std::string& out) {
  std::map<std::string, std::string> listed;
  const auto doc = Json::parse(out);  // kept alive for the loop
  for (const auto& s : doc["specs"]) listed[s["hash"].get<std::string>()] = s["name"].get<std::string>();
  return listed;
}

// skopeo reads every image of the dump from the registry as the dump's
// manifest describes it (the digest is the hash of the dump's manifest bytes).
void expect_skopeo_reads_dump(const spackext::test::RegistryServer& server, const std::filesystem::path& dump,
                              const std::filesystem::path& home) {
  spackext::testing::RunOptions env;
  env.env = {{"HOME", home.string()}, {"XDG_RUNTIME_DIR", home.string()}};
  int inspected = 0;
  const auto tags = Json::parse(read_file(dump / "tags/list"));
  for (const auto& tag : tags["tags"]) {
    const auto t = tag.get<std::string>();
    const auto ref = "docker://" + server.host() + "/peer/buildcache:" + t;
    const auto manifest = Json::parse(read_file(dump / "manifests" / t));
    auto raw = spackext::testing::run({"/usr/bin/skopeo", "inspect", "--raw", "--tls-verify=false", ref}, env);
    ASSERT_EQ(raw.exit_code, 0) << raw.err;
    EXPECT_EQ(Json::parse(raw.out), manifest) << t;
    if (t == "index.spack") continue;  // its config is `{}`, not an image config skopeo can summarise
    auto r = spackext::testing::run({"/usr/bin/skopeo", "inspect", "--tls-verify=false", ref}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto info = Json::parse(r.out);
    std::vector<std::string> layers;
    for (const auto& l : manifest["layers"]) layers.push_back(l["digest"].get<std::string>());
    EXPECT_EQ(info["Layers"].get<std::vector<std::string>>(), layers) << t;
    EXPECT_EQ(info["Name"], server.host() + "/peer/buildcache");
    auto digest = spackext::testing::run({"/usr/bin/sha256sum", (dump / "manifests" / t).string()});
    EXPECT_EQ(info["Digest"], "sha256:" + digest.out.substr(0, 64)) << t;
    ++inspected;

  }
  EXPECT_EQ(inspected, 3);
}

// Every object of the dump, in the order a registry needs: blobs, then
// package manifests, Spack's own index image last.
void push_dump(const std::filesystem::path& dump, spackext::MirrorStore& dst) {
  spackext::mirrors::FileMirrorStore src(dump, /*pushable=*/false);
  std::vector<spackext::ObjectInfo> objects;
  src.list("", [&](const spackext::ObjectInfo& o) { objects.push_back(o); });
  auto rank = [](const std::string& k) { return k.rfind("blobs/", 0) == 0 ? 0 : k == "manifests/index.spack" ? 2 : 1; };
  std::stable_sort(objects.begin(), objects.end(), [&](auto& a, auto& b) { return rank(a.key) < rank(b.key); });
  for (const auto& o : objects) {
    if (o.key == "tags/list") continue;  // derived by the registry
    std::string data;
    src.get(o.key, [&](const char* d, std::size_t n) {
      data.append(d, n);
      return true;
    });
    spackext::put_bytes(dst, o.key, data);
  }
}

TEST(OciCli, SpackImagesPutThroughTheStoreAreListedVerifiedAndReadBySkopeo) {
  SPACKEXT_REQUIRE_REGISTRY();
  SPACKEXT_REQUIRE_FIXTURE(dump, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  SPACKEXT_REQUIRE_FIXTURE(index_json, "fixtures/spack/oci/index.spack.index.json");
  TempDir home;
  spackext::test::RegistryServer server(home.path());
  ASSERT_TRUE(server.ready()) << server.failure();
  const auto dst_url = server.mirror_url("peer/buildcache");
  const auto expected = fixture_specs(index_json);
  ASSERT_EQ(expected.size(), 3u);  // peerhello, peerlib, peermpi (fixtures README)

  spackext::mirrors::oci::OciStore dst(dst_url, {});
  push_dump(dump, dst);
  auto tags = Json::parse(read_file(dump / "tags/list"))["tags"].get<std::vector<std::string>>();
  auto live = dst.tags().value_or(std::vector<std::string>{});
  std::sort(tags.begin(), tags.end());
  std::sort(live.begin(), live.end());
  EXPECT_EQ(live, tags);

  // The host lists from Spack's index image, and from a scan.
  auto list = run_host({"--json", "buildcache", "list", dst_url}, home.path());
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const auto index_digest = Json::parse(read_file(dump / "manifests/index.spack"))["layers"][0]["digest"].get<std::string>();
  EXPECT_EQ(Json::parse(list.out)["source"], "blobs/sha256/" + index_digest.substr(7));
  EXPECT_EQ(listed_specs(list.out), expected) << list.out << list.err;
  auto scan = run_host({"--json", "buildcache", "list", dst_url, "--scan"}, home.path());
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_EQ(listed_specs(scan.out), expected) << scan.out << scan.err;
  auto verify = run_host({"buildcache", "verify", dst_url, "--no-signatures"}, home.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  expect_skopeo_reads_dump(server, dump, home.path());
}

TEST(OciCli, SyncSpackRegistryDumpIntoARegistryThroughTheHost) {
  SPACKEXT_REQUIRE_REGISTRY();
  SPACKEXT_REQUIRE_FIXTURE(dump, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  SPACKEXT_REQUIRE_FIXTURE(index_json, "fixtures/spack/oci/index.spack.index.json");
  TempDir home;
  spackext::test::RegistryServer server(home.path());
  ASSERT_TRUE(server.ready()) << server.failure();
  const auto dst = server.mirror_url("peer/buildcache");
  const auto expected = fixture_specs(index_json);

  auto sync = run_host({"--json", "buildcache", "sync", "file://" + dump.string(), dst, "--jobs", "4"}, home.path());
  ASSERT_EQ(sync.exit_code, 0) << sync.out << sync.err;
  EXPECT_GT(Json::parse(sync.out)["copied"].get<int>(), 0);
  auto list = run_host({"--json", "buildcache", "list", dst}, home.path());
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(Json::parse(list.out)["source"].get<std::string>().rfind("blobs/sha256/", 0), 0u) << list.out;
  EXPECT_EQ(listed_specs(list.out), expected);
  auto verify = run_host({"buildcache", "verify", dst, "--no-signatures"}, home.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto again = run_host({"--json", "buildcache", "sync", "file://" + dump.string(), dst}, home.path());
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(Json::parse(again.out)["copied"], 0);
  expect_skopeo_reads_dump(server, dump, home.path());
}

// The other direction: a registry's images pulled into a file:// dump that
// the host then lists and verifies like Spack's own dump.
TEST(OciCli, SyncFromARegistryIntoAFileDump) {
  SPACKEXT_REQUIRE_REGISTRY();
  SPACKEXT_REQUIRE_FIXTURE(dump, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  SPACKEXT_REQUIRE_FIXTURE(index_json, "fixtures/spack/oci/index.spack.index.json");
  TempDir home;
  spackext::test::RegistryServer server(home.path());
  ASSERT_TRUE(server.ready()) << server.failure();
  const auto url = server.mirror_url("peer/buildcache");
  spackext::mirrors::oci::OciStore registry(url, {});
  push_dump(dump, registry);
  const auto local = home.path() / "pulled";
  auto sync = run_host({"--json", "buildcache", "sync", url, "file://" + local.string()}, home.path());
  ASSERT_EQ(sync.exit_code, 0) << sync.out << sync.err;
  // Every package image's manifest and blobs arrived byte for byte.
  const auto tags = Json::parse(read_file(dump / "tags/list"));
  for (const auto& tag : tags["tags"]) {
    const auto t = tag.get<std::string>();
    if (t == "index.spack") continue;  // rebuilt by the sync, not copied
    EXPECT_EQ(read_file(local / "manifests" / t), read_file(dump / "manifests" / t)) << t;
    const auto manifest = Json::parse(read_file(dump / "manifests" / t));
    for (const auto& l : manifest["layers"]) {
      const auto blob = "blobs/sha256/" + l["digest"].get<std::string>().substr(7);
      EXPECT_EQ(read_file(local / blob), read_file(dump / blob)) << blob;
    }
  }
  auto list = run_host({"--json", "buildcache", "list", "file://" + local.string()}, home.path());
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(listed_specs(list.out), fixture_specs(index_json));
  auto verify = run_host({"buildcache", "verify", "file://" + local.string(), "--no-signatures"}, home.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

// A mirror configured the way `spack mirror add --oci-username-variable
// --oci-password-variable` writes it, against a registry with Basic auth.
TEST(OciCli, MirrorWithAccessPairVariablesAgainstAnAuthenticatedRegistry) {
  SPACKEXT_REQUIRE_REGISTRY();
  SPACKEXT_REQUIRE_FIXTURE(dump, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  SPACKEXT_REQUIRE_FIXTURE(index_json, "fixtures/spack/oci/index.spack.index.json");
  TempDir home;
  spackext::test::RegistryOptions ro;
  ro.auth = spackext::test::RegistryOptions::Auth::htpasswd;
  spackext::test::RegistryServer server(home.path(), ro);
  ASSERT_TRUE(server.ready()) << server.failure();
  const auto url = server.mirror_url("peer/buildcache");
  spackext::mirrors::oci::OciStore writer(url, {ro.user, ro.password});
  push_dump(dump, writer);

  spackext::testing::RunOptions env;
  env.env = {{"CI_OCI_USER", ro.user}, {"CI_OCI_PASSWORD", ro.password}};
  auto add = run_host({"buildcache", "add-mirror", "ci", url, "--oci-username-variable", "CI_OCI_USER",
                       "--oci-password-variable", "CI_OCI_PASSWORD"},
                      home.path(), env);
  ASSERT_EQ(add.exit_code, 0) << add.err;
  auto list = run_host({"--json", "buildcache", "list", "ci"}, home.path(), env);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(listed_specs(list.out), fixture_specs(index_json));
  auto verify = run_host({"buildcache", "verify", "ci", "--no-signatures"}, home.path(), env);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  spackext::testing::RunOptions wrong;
  wrong.env = {{"CI_OCI_USER", ro.user}, {"CI_OCI_PASSWORD", "wrong-secret-456"}};
  auto refused = run_host({"buildcache", "list", "ci"}, home.path(), wrong);
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("refused"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find("wrong-secret-456"), std::string::npos) << refused.err;
  spackext::testing::RunOptions unset;
  unset.unset_env = {"CI_OCI_USER", "CI_OCI_PASSWORD"};
  auto missing = run_host({"buildcache", "list", "ci"}, home.path(), unset);
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("CI_OCI_USER"), std::string::npos) << missing.err;
}

// The buildcache command copies objects as they are and does not convert
// layouts: a v3 URL cache cannot become an OCI repository by sync. It is
// refused before anything is copied, and the error says why.
TEST(OciCli, SyncOfAV3CacheIntoARegistryIsRefusedClearly) {
  SPACKEXT_REQUIRE_REGISTRY();
  SPACKEXT_REQUIRE_FIXTURE(v3, "fixtures/spack/buildcache-v3-unsigned");
  TempDir home;
  spackext::test::RegistryServer server(home.path());
  ASSERT_TRUE(server.ready()) << server.failure();
  auto sync = run_host({"buildcache", "sync", "file://" + v3.string(), server.mirror_url("peer/v3")}, home.path());
  EXPECT_EQ(sync.exit_code, 2) << sync.out << sync.err;
  EXPECT_NE(sync.err.find("holds only Spack's OCI layout"), std::string::npos) << sync.err;
  EXPECT_NE(sync.err.find("layout v2/v3"), std::string::npos) << sync.err;
  spackext::http::Client client;
  auto catalog = client.send({.method = "GET", .url = server.base_url() + "/v2/_catalog"});
  EXPECT_EQ(catalog.body.find("peer/v3"), std::string::npos) << "something was pushed: " << catalog.body;
}

}  // namespace
