// Writers at the same time on one mirror: two syncs into one destination, a
// prune racing a sync, two incremental index updates. Nothing lost, `verify`
// clean afterwards.
#include <gtest/gtest.h>

#include <future>

#include <nlohmann/json.hpp>

#include "campaign.hpp"
#include "nginx_dav.hpp"

namespace spackext::faults {
namespace {

using spackext::testing::TempDir;

TEST(BuildcacheConcurrency, TwoSyncsIntoOneDestination) {
  SPACKEXT_REQUIRE_FIXTURE(v3, "fixtures/spack/buildcache-v3-unsigned");
  SPACKEXT_REQUIRE_FIXTURE(v2, "fixtures/spack/buildcache-v2-unsigned");
  for (int t = 0, n = trials(2); t < n; ++t) {
    TempDir home;
    const auto dst = home / "dst";
    auto a = std::async(std::launch::async, [&] { return run({"buildcache", "sync", v3.string(), dst.string()}, home.path()); });
    auto b = std::async(std::launch::async, [&] { return run({"buildcache", "sync", v2.string(), dst.string()}, home.path()); });
    auto ra = a.get(), rb = b.get();
    EXPECT_EQ(ra.exit_code, 0) << ra.err;
    EXPECT_EQ(rb.exit_code, 0) << rb.err;
    // Both caches, whole: every object either source holds is there.
    auto have = published(dst);
    for (const auto* src : {&v3, &v2})
      for (const auto& f : published(*src)) EXPECT_TRUE(have.count(f)) << "trial " << t << ": lost " << f;
    expect_consistent(dst, home.path(), "trial " + std::to_string(t));
  }
}

// The same on a remote store, nginx's WebDAV, which has no If-Match: each
// sync rebuilds the index of every layout it finds, from what it sees.
TEST(BuildcacheConcurrency, TwoSyncsIntoOneWebDavMirror) {
  SPACKEXT_REQUIRE_NGINX_DAV();
  SPACKEXT_REQUIRE_FIXTURE(v3, "fixtures/spack/buildcache-v3-unsigned");
  SPACKEXT_REQUIRE_FIXTURE(v2, "fixtures/spack/buildcache-v2-unsigned");
  TempDir home, server_dir;
  spackext::test::NginxDav server(server_dir.path(), {.tls = false});
  ASSERT_TRUE(server.ready()) << server.log();
  for (int t = 0, n = trials(2); t < n; ++t) {
    const auto folder = "t" + std::to_string(t), url = server.url("/" + folder);
    auto a = std::async(std::launch::async, [&] { return run({"buildcache", "sync", v3.string(), url}, home.path()); });
    auto b = std::async(std::launch::async, [&] { return run({"buildcache", "sync", v2.string(), url}, home.path()); });
    auto ra = a.get(), rb = b.get();
    EXPECT_EQ(ra.exit_code, 0) << ra.err;
    EXPECT_EQ(rb.exit_code, 0) << rb.err;
    auto have = published(server.root() / folder);
    for (const auto* src : {&v3, &v2})
      for (const auto& f : published(*src))
        if (f != "build_cache/index.json" && f != "build_cache/index.json.hash" && f.rfind("v3/manifests/index/", 0) != 0)
          EXPECT_TRUE(have.count(f)) << "trial " << t << ": lost " << f;
    auto v = run({"buildcache", "verify", "--no-signatures", url}, home.path());
    EXPECT_EQ(v.exit_code, 0) << "trial " << t << ": " << v.out << v.err;
  }
}

// prune --orphans while a sync into the same mirror uploads its blobs before
// their manifests: the grace period keeps them.
TEST(BuildcacheConcurrency, PruneOrphansRacingASync) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  for (int t = 0, n = trials(2); t < n; ++t) {
    TempDir home;
    const auto dst = home / "dst";
    fs::create_directories(dst);
    auto sync = std::async(std::launch::async, [&] { return run({"buildcache", "sync", src.string(), dst.string()}, home.path()); });
    std::vector<spackext::testing::RunResult> prunes;
    while (sync.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready)
      prunes.push_back(run({"buildcache", "prune", dst.string(), "--orphans"}, home.path()));
    auto rs = sync.get();
    EXPECT_EQ(rs.exit_code, 0) << rs.err;
    // A prune may refuse a mirror caught mid-sync (a manifest before its
    // layout.json is "cannot fully read"), never fail otherwise.
    for (const auto& p : prunes)
      if (p.exit_code != 0) {
        EXPECT_EQ(p.exit_code, 1) << p.err;
        EXPECT_NE(p.err.find("cannot fully read"), std::string::npos) << p.err;
      }
    EXPECT_EQ(published(dst), published(src)) << "trial " << t << " with " << prunes.size() << " prune(s)";
    expect_consistent(dst, home.path(), "trial " + std::to_string(t));
  }
}

// Two incremental `update-index` runs at once, after a spec was removed and
// another rewritten since the index: both succeed (the publish is guarded;
// the loser starts over), and what is left is what a full rebuild writes.
TEST(BuildcacheConcurrency, TwoIncrementalIndexUpdatesAtOnce) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  for (int t = 0, n = trials(2); t < n; ++t) {
    const auto trial = "trial " + std::to_string(t);
    TempDir home;
    const auto dst = home / "dst";
    writable_copy(src, dst);
    // Pushed two days ago, as on a mirror in use, so unchanged specs are reused.
    for (auto& e : fs::recursive_directory_iterator(dst))
      if (e.is_regular_file()) fs::last_write_time(e.path(), fs::file_time_type::clock::now() - std::chrono::hours(48));
    ASSERT_EQ(run({"buildcache", "update-index", "--full", dst.string()}, home.path()).exit_code, 0);
    const auto specs = dst / "v3/manifests/spec";
    fs::remove_all(specs / "peerhello");
    for (auto& e : fs::directory_iterator(specs / "peerlib")) fs::last_write_time(e.path(), fs::file_time_type::clock::now());

    auto a = std::async(std::launch::async, [&] { return run({"buildcache", "update-index", "--json", dst.string()}, home.path()); });
    auto b = std::async(std::launch::async, [&] { return run({"buildcache", "update-index", "--json", dst.string()}, home.path()); });
    for (auto* r : {&a, &b}) {
      const auto result = r->get();
      ASSERT_EQ(result.exit_code, 0) << trial << ": " << result.err;
      const auto report = nlohmann::json::parse(result.out)["indexes"][0];
      EXPECT_EQ(report["mode"], "incremental") << trial << ": " << result.out;
      EXPECT_EQ(report["specs"], 2) << trial << ": " << result.out;
    }
    const auto full = run({"buildcache", "update-index", "--full", "--json", dst.string()}, home.path());
    ASSERT_EQ(full.exit_code, 0) << trial << ": " << full.err;
    EXPECT_EQ(nlohmann::json::parse(full.out)["indexes"][0]["changed"], false) << trial << ": " << full.out;
    expect_consistent(dst, home.path(), trial);
  }
}

}  // namespace
}  // namespace spackext::faults
