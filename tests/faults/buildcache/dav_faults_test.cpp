// A sync to and from nginx's WebDAV through the fault proxy (the mix of
// network_campaign.hpp). nginx serves plain http here: the proxy damages
// bytes in transit, which under TLS would be a failed record rather than
// damage (the TLS set-up itself is covered by tests/integration/mirrors/https).
// WebDAV has no upload checksum, so this is where a sync's read-back of
// what it wrote is what stands between a flipped byte and a corrupt mirror.
#include <gtest/gtest.h>

#include "network_campaign.hpp"
#include "nginx_dav.hpp"

namespace spackext::faults {
namespace {

using spackext::testing::TempDir;

// Temporaries a failed upload could not delete (its DELETE was faulted too):
// never listed or read, but counted, to be honest about what is left.
std::vector<std::string> dav_temporaries(const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.path().filename().string().find(kTempPrefix) != std::string::npos)
      out.push_back(e.path().lexically_relative(root).generic_string());
  return out;
}

TEST(BuildcacheDavFaults, SyncThroughAFaultyNetworkLosesAndCorruptsNothing) {
  SPACKEXT_REQUIRE_NGINX_DAV();
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir home, server_dir;
  spackext::test::NginxDav server(server_dir.path(), {.tls = false});  // one server; a folder per trial
  ASSERT_TRUE(server.ready()) << server.log();
  NetworkTally tally;
  std::size_t left_temporaries = 0;
  for (int t = 0, n = trials(1); t < n; ++t) {
    const auto trial = "trial " + std::to_string(t), folder = "/t" + std::to_string(t);
    spackext::testing::FaultProxy proxy(server.url(), network_faults(t));
    int failures = 0;
    const auto back = home / ("back" + std::to_string(t));
    ASSERT_NO_FATAL_FAILURE(sync_up_and_back(proxy, "file://" + src.string(), proxy.endpoint() + folder, server.url(folder),
                                             back, in_buildcache(v3_index_blob(src)), home.path(), {}, failures,
                                             trial));
    // What nginx holds on its disk is the fixture, byte for byte.
    const auto on_server = server.root() / folder.substr(1);
    auto stored = published(on_server);
    const auto temporaries = dav_temporaries(on_server);
    for (const auto& temp : temporaries) stored.erase(temp);
    EXPECT_EQ(stored, published(src)) << trial;
    expect_same_files(src, on_server, trial);
    left_temporaries += temporaries.size();
    EXPECT_EQ(published(back), published(src)) << trial;
    expect_same_files(src, back, trial);
    tally.add(proxy, failures);
  }
  tally.report();
  RecordProperty("temporaries_left_on_server", static_cast<int>(left_temporaries));
  std::cout << left_temporaries << " upload temporaries left on the server (unlisted)\n";
}

}  // namespace
}  // namespace spackext::faults
