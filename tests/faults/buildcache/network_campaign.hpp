// What the network fault campaigns share (s3rver, nginx WebDAV and
// docker-registry, each behind a FaultProxy): a sync up to the server and
// back through the proxy, each rerun until a run succeeds, with the checks
// made on the server directly in between.
#pragma once

#include <iostream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spackext_testing/fault_proxy.hpp>

#include "campaign.hpp"

namespace spackext::faults {

// Every campaign injects the mix: 10 % 503s, 5 % responses dropped
// before their body, 3 % half-way, 3 % bodies with a flipped byte.
inline spackext::testing::FaultPlan network_faults(int trial) {
  return {.server_errors = 0.10, .resets = 0.05, .truncations = 0.03, .flips = 0.03,
          .seed = static_cast<unsigned>(trial + 1)};
}

// Runs `args` until it exits 0 (at most `attempts` times); every failure
// must be a clean exit: 1, or 2 when damaged bytes read as malformed data
// (a tag list that is no longer JSON), never a crash.
inline spackext::testing::RunResult until_success(const std::vector<std::string>& args, const fs::path& home,
                                                  const spackext::testing::RunOptions& options, int attempts,
                                                  int& failures) {
  spackext::testing::RunResult r;
  for (int i = 0; i < attempts; ++i) {
    r = spackext::testing::run_host(args, home, options);
    if (r.exit_code == 0) return r;
    EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 2) << "exit " << r.exit_code << ", signal " << r.signal << ": "
                                                       << r.err;
    ++failures;
  }
  return r;
}

// The specs a Spack index (its database JSON) says are in the buildcache.
inline std::set<std::string> in_buildcache(const fs::path& index_json) {
  std::set<std::string> out;
  const auto index = nlohmann::json::parse(spackext::testing::read_file(index_json));
  for (const auto& [hash, record] : index["database"]["installs"].items())
    if (record.value("in_buildcache", false)) out.insert(hash);
  return out;
}
// The index blob of a v3 buildcache on disk, as its index manifest names it.
inline fs::path v3_index_blob(const fs::path& mirror) {
  const auto manifest =
      nlohmann::json::parse(spackext::testing::read_file(mirror / "v3/manifests/index/index.manifest.json"));
  const std::string sha = manifest["data"][0]["checksum"];
  return mirror / "blobs/sha256" / sha.substr(0, 2) / sha;
}

// Counts over a campaign, printed and recorded as test properties.
struct NetworkTally {
  int requests = 0, injected = 0, failed_runs = 0;
  void add(const spackext::testing::FaultProxy& proxy, int failures) {
    EXPECT_GT(proxy.injected(), 0) << "no fault was injected";
    requests += proxy.requests;
    injected += proxy.injected();
    failed_runs += failures;
  }
  void report() const {
    ::testing::Test::RecordProperty("requests", requests);
    ::testing::Test::RecordProperty("injected", injected);
    ::testing::Test::RecordProperty("failed_runs", failed_runs);
    std::cout << requests << " requests, " << injected << " faults injected, " << failed_runs
              << " sync runs failed (and were rerun)\n";
  }
};

// One trial: `src` synced up to `faulty` (a mirror reached through the
// proxy) until a run succeeds; then the same mirror read without the proxy
// (`direct`) verifies clean and lists exactly `expected`; then synced back
// down through the proxy into the folder `back`, again until a run succeeds.
// The caller compares `back` (and the server's own copy) with the fixture.
inline void sync_up_and_back(const spackext::testing::FaultProxy& proxy, const std::string& src,
                             const std::string& faulty, const std::string& direct, const fs::path& back,
                             const std::set<std::string>& expected, const fs::path& home,
                             const spackext::testing::RunOptions& env, int& failures, const std::string& trial) {
  // On any failure, what the proxy did, to trace it to a request.
  struct Journal {
    const spackext::testing::FaultProxy& proxy;
    const std::string& trial;
    ~Journal() {
      if (::testing::Test::HasFailure()) std::cout << trial << ": faults injected:\n" << proxy.journal();
    }
  } journal{proxy, trial};
  auto up = until_success({"buildcache", "sync", src, faulty, "--jobs", "4"}, home, env, 15, failures);
  ASSERT_EQ(up.exit_code, 0) << trial << ": " << up.err;
  auto verify = spackext::testing::run_host({"buildcache", "verify", direct, "--no-signatures"}, home, env);
  EXPECT_EQ(verify.exit_code, 0) << trial << ": " << verify.out << verify.err;
  auto list = spackext::testing::run_host({"--json", "buildcache", "list", direct}, home, env);
  ASSERT_EQ(list.exit_code, 0) << trial << ": " << list.err;
  std::set<std::string> listed;
  const auto doc = nlohmann::json::parse(list.out);  // kept alive for the loop
  for (const auto& s : doc.at("specs")) listed.insert(s.at("hash").get<std::string>());
  EXPECT_EQ(listed, expected) << trial << ": the index lists other specs than the complete ones";
  auto down = until_success({"buildcache", "sync", faulty, "file://" + back.string(), "--jobs", "4"}, home, env, 15,
                            failures);
  ASSERT_EQ(down.exit_code, 0) << trial << ": " << down.err;
  expect_consistent(back, home, trial);
}

// Every file of `fixture` (minus `except`) is in `copy`, byte for byte.
inline void expect_same_files(const fs::path& fixture, const fs::path& copy, const std::string& trial,
                              const std::set<std::string>& except = {}) {
  for (const auto& f : published(fixture)) {
    if (except.count(f)) continue;
    ASSERT_TRUE(fs::exists(copy / f)) << trial << ": lost " << f;
    EXPECT_EQ(spackext::testing::read_file(copy / f), spackext::testing::read_file(fixture / f))
        << trial << ": corrupt " << f;
  }
}

}  // namespace spackext::faults
