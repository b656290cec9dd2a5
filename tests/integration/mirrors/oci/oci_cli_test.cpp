// End to end through the host: Spack's own OCI registry dump (a file://
// store) synced into a live docker-registry over oci+http://, then listed
// and verified there, and the pushed images read back by skopeo. What is
// expected comes from the fixture's files, not from our output.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

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
  for (const auto& s : Json::parse(out)["specs"]) listed[s["hash"].get<std::string>()] = s["name"].get<std::string>();
  return listed;
}

TEST(OciCli, SyncSpackRegistryDumpIntoARegistryThenListVerifyAndInspectWithSkopeo) {
  SPACKEXT_REQUIRE_REGISTRY();
  SPACKEXT_REQUIRE_FIXTURE(dump, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  SPACKEXT_REQUIRE_FIXTURE(index_json, "fixtures/spack/oci/index.spack.index.json");
  TempDir home;
  spackext::test::RegistryServer server(home.path());
  ASSERT_TRUE(server.ready());
  const auto dst = server.mirror_url("peer/buildcache");
  const auto expected = fixture_specs(index_json);
  ASSERT_EQ(expected.size(), 3u);  // peerhello, peerlib, peermpi (fixtures README)

  auto sync = run_host({"--json", "buildcache", "sync", "file://" + dump.string(), dst, "--jobs", "4"}, home.path());
  ASSERT_EQ(sync.exit_code, 0) << sync.out << sync.err;
  EXPECT_GT(Json::parse(sync.out)["copied"].get<int>(), 0);

  auto list = run_host({"--json", "buildcache", "list", dst}, home.path());
  ASSERT_EQ(list.exit_code, 0) << list.err;
  // Listed from the index image the sync published, not from a scan.
  EXPECT_EQ(Json::parse(list.out)["source"].get<std::string>().rfind("blobs/sha256/", 0), 0u) << list.out;
  EXPECT_EQ(listed_specs(list.out), expected);
  auto scan = run_host({"--json", "buildcache", "list", dst, "--scan"}, home.path());
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_EQ(listed_specs(scan.out), expected);
  auto verify = run_host({"buildcache", "verify", dst, "--no-signatures"}, home.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  // Nothing left to copy the second time.
  auto again = run_host({"--json", "buildcache", "sync", "file://" + dump.string(), dst}, home.path());
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(Json::parse(again.out)["copied"], 0);

  // skopeo reads every pushed package image as the fixture manifest describes it.
  spackext::testing::RunOptions env;
  env.env = {{"HOME", home.path().string()}, {"XDG_RUNTIME_DIR", home.path().string()}};
  int inspected = 0;
  for (const auto& tag : Json::parse(read_file(dump / "tags/list"))["tags"]) {
    const auto t = tag.get<std::string>();
    const auto manifest_text = read_file(dump / "manifests" / t);
    const auto manifest = Json::parse(manifest_text);
    auto raw = spackext::testing::run({"/usr/bin/skopeo", "inspect", "--raw", "--tls-verify=false",
                                       "docker://" + server.host() + "/peer/buildcache:" + t},
                                      env);
    ASSERT_EQ(raw.exit_code, 0) << raw.err;
    EXPECT_EQ(Json::parse(raw.out), manifest) << t;
    if (t == "index.spack") continue;  // its config is `{}`: not an image config skopeo can summarise
    auto r = spackext::testing::run(
        {"/usr/bin/skopeo", "inspect", "--tls-verify=false", "docker://" + server.host() + "/peer/buildcache:" + t}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto info = Json::parse(r.out);
    std::vector<std::string> layers;
    for (const auto& l : manifest["layers"]) layers.push_back(l["digest"].get<std::string>());
    EXPECT_EQ(info["Layers"].get<std::vector<std::string>>(), layers) << t;
    EXPECT_EQ(info["Name"], server.host() + "/peer/buildcache");
    // The manifest digest is the hash of the fixture's manifest bytes: nothing was re-serialised.
    auto digest = spackext::testing::run({"/usr/bin/sha256sum", (dump / "manifests" / t).string()});
    EXPECT_EQ(info["Digest"], "sha256:" + digest.out.substr(0, 64)) << t;
    ++inspected;
  }
  EXPECT_EQ(inspected, 3);
}

}  // namespace
