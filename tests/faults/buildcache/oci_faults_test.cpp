// Spack's own OCI registry dump synced into a real docker-registry and back
// through the fault proxy (the mix of network_campaign.hpp), over
// oci+http: the proxy damages bytes in transit, which under TLS would be a
// failed record rather than damage. The registry checks every blob against
// its digest, so this is where a flipped byte must be refused and resent.
#include <gtest/gtest.h>

#include "network_campaign.hpp"
#include "registry_server.hpp"

namespace spackext::faults {
namespace {

using spackext::testing::TempDir;

// The files of the dump only the index image names (its manifest, config and
// layer, rebuilt by every sync rather than copied) and the tag list (derived).
std::set<std::string> rebuilt_by_sync(const fs::path& dump) {
  auto blobs_of = [&](const fs::path& manifest_file) {
    std::set<std::string> out;
    const auto m = nlohmann::json::parse(spackext::testing::read_file(manifest_file));
    auto add = [&](const nlohmann::json& d) { out.insert("blobs/sha256/" + d["digest"].get<std::string>().substr(7)); };
    add(m["config"]);
    for (const auto& l : m["layers"]) add(l);
    return out;
  };
  std::set<std::string> out = {"tags/list", "manifests/index.spack"}, shared;
  for (const auto& e : fs::directory_iterator(dump / "manifests"))
    if (e.path().filename() != "index.spack")
      for (const auto& b : blobs_of(e.path())) shared.insert(b);
  for (const auto& b : blobs_of(dump / "manifests/index.spack"))
    if (!shared.count(b)) out.insert(b);
  return out;
}

TEST(BuildcacheOciFaults, SyncThroughAFaultyNetworkLosesAndCorruptsNothing) {
  SPACKEXT_REQUIRE_REGISTRY();
  SPACKEXT_REQUIRE_FIXTURE(dump, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  SPACKEXT_REQUIRE_FIXTURE(index_json, "fixtures/spack/oci/index.spack.index.json");
  TempDir home;
  spackext::test::RegistryServer server(home.path());  // one registry; a repository per trial
  ASSERT_TRUE(server.ready()) << server.failure();
  const auto expected = in_buildcache(index_json);
  ASSERT_EQ(expected.size(), 3u);  // peerhello, peerlib, peermpi (fixtures README)
  const auto except = rebuilt_by_sync(dump);
  NetworkTally tally;
  for (int t = 0, n = trials(1); t < n; ++t) {
    const auto trial = "trial " + std::to_string(t), repository = "t" + std::to_string(t) + "/buildcache";
    spackext::testing::FaultProxy proxy(server.base_url(), network_faults(t));
    const auto faulty = "oci+http://127.0.0.1:" + std::to_string(proxy.port()) + "/" + repository;
    int failures = 0;
    const auto back = home / ("back" + std::to_string(t));
    ASSERT_NO_FATAL_FAILURE(sync_up_and_back(proxy, "file://" + dump.string(), faulty, server.mirror_url(repository), back,
                                             expected, home.path(), {}, failures, trial));
    expect_same_files(dump, back, trial, except);
    tally.add(proxy, failures);
  }
  tally.report();
}

}  // namespace
}  // namespace spackext::faults
