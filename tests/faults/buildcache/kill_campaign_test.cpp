// kill -9 in `buildcache sync`, `update-index` and `prune`, then a rerun:
// nothing lost or corrupt, `verify` clean, the index lists exactly the
// complete specs, no temp file left. Deterministically right before each
// rename/unlink at the mirror (the kill hook), and at random moments.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "campaign.hpp"

namespace spackext::faults {
namespace {

using spackext::testing::TempDir;
using namespace std::chrono_literals;

const char* kFixtures[] = {"fixtures/spack/buildcache-v3-unsigned", "fixtures/spack/buildcache-v2-unsigned"};

std::string index_of(const fs::path& mirror) {
  for (const char* k : {"v3/manifests/index/index.manifest.json", "build_cache/index.json.hash"})
    if (fs::exists(mirror / k)) return k;
  return {};
}

// Sync: every moment the destination sees, killed there, then a rerun.
TEST(BuildcacheKill, SyncBeforeEachRenameAndUnlink) {
  for (const char* rel : kFixtures) {
    SPACKEXT_REQUIRE_FIXTURE(src, rel);
    TempDir home;
    const auto dst = home / "dst";
    auto count = home / "count";
    ASSERT_EQ(run({"buildcache", "sync", src.string(), dst.string()}, home.path(), {}, dst.string(), count).exit_code, 0);
    const auto total = moments(count);
    ASSERT_GT(total, 0);
    const auto expected = published(dst);
    for (long k : spread(total, trials(6))) {
      const auto trial = std::string(rel) + " kill before moment " + std::to_string(k) + "/" + std::to_string(total);
      fs::remove_all(dst);
      auto killed = run({"buildcache", "sync", src.string(), dst.string()}, home.path(), "any:" + std::to_string(k),
                        dst.string());
      EXPECT_EQ(killed.signal, SIGKILL) << trial << ": " << killed.err;
      auto again = run({"buildcache", "sync", src.string(), dst.string()}, home.path());
      ASSERT_EQ(again.exit_code, 0) << trial << ": " << again.err;
      EXPECT_EQ(published(dst), expected) << trial;  // every object, the index included
      EXPECT_FALSE(index_of(dst).empty()) << trial;
      expect_consistent(dst, home.path(), trial);
    }
  }
}

// update-index over a stale index.
TEST(BuildcacheKill, UpdateIndexBeforeEachRenameAndUnlink) {
  for (const char* rel : kFixtures) {
    SPACKEXT_REQUIRE_FIXTURE(src, rel);
    TempDir home;
    const auto base = home / "base", m = home / "m";
    writable_copy(src, base);
    // A stale index: what a writer that died before publishing leaves (the
    // v3 manifest or the v2 hash no longer naming the current index).
    for (const char* idx : {"v3/manifests/index/index.manifest.json", "build_cache/index.json.hash"})
      if (fs::exists(base / idx)) spackext::testing::write_file(base / idx, std::string(64, '0'));
    auto count = home / "count";
    fs::copy(base, m, fs::copy_options::recursive);
    ASSERT_EQ(run({"buildcache", "update-index", m.string()}, home.path(), {}, m.string(), count).exit_code, 0);
    const auto total = moments(count);
    ASSERT_GT(total, 0) << rel;
    const auto expected = published(m);
    for (long k : spread(total, trials(4))) {
      const auto trial = std::string(rel) + " kill before moment " + std::to_string(k) + "/" + std::to_string(total);
      fs::remove_all(m);
      fs::copy(base, m, fs::copy_options::recursive);
      auto killed = run({"buildcache", "update-index", m.string()}, home.path(), "any:" + std::to_string(k), m.string());
      EXPECT_EQ(killed.signal, SIGKILL) << trial << ": " << killed.err;
      auto again = run({"buildcache", "update-index", m.string()}, home.path());
      ASSERT_EQ(again.exit_code, 0) << trial << ": " << again.err;
      auto now = published(m);
      for (const auto& f : expected) EXPECT_TRUE(now.count(f)) << trial << ": lost " << f;
      expect_consistent(m, home.path(), trial);
    }
  }
}

// update-index from a valid index with one spec deleted since: the
// incremental path (the other specs' records copied from the index), killed
// before each rename/unlink, then rerun.
TEST(BuildcacheKill, IncrementalUpdateIndexBeforeEachRenameAndUnlink) {
  const std::pair<const char*, const char*> cases[] = {
      {"fixtures/spack/buildcache-v3-unsigned",
       "v3/manifests/spec/peerhello/peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl.spec.manifest.json"},
      {"fixtures/spack/buildcache-v2-unsigned",
       "build_cache/linux-debian12-x86_64_v4-gcc-12.2.0-peerhello-1.0-bfrqcmmn2zcr4t7jb7ofu5afpwvibri3.spec.json"}};
  for (const auto& [rel, gone] : cases) {
    SPACKEXT_REQUIRE_FIXTURE(src, rel);
    TempDir home;
    const auto m = home / "m";
    // Pushed two days ago, indexed one day ago (outside the rewrite margin), one spec deleted since.
    const auto fresh = [&, gone = gone] {
      fs::remove_all(m);
      writable_copy(src, m);
      fs::remove(m / gone);
      const auto now = fs::file_time_type::clock::now();
      for (auto& e : fs::recursive_directory_iterator(m))
        if (e.is_regular_file()) fs::last_write_time(e.path(), now - 48h);
      for (const char* idx : {"v3/manifests/index/index.manifest.json", "build_cache/index.json",
                              "build_cache/index.json.hash"})
        if (fs::exists(m / idx)) fs::last_write_time(m / idx, now - 24h);
    };
    fresh();
    auto count = home / "count";
    auto first = run({"--json", "buildcache", "update-index", m.string()}, home.path(), {}, m.string(), count);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    const auto report = nlohmann::json::parse(first.out)["indexes"][0];
    ASSERT_EQ(report["mode"], "incremental") << rel << ": " << first.out;
    ASSERT_EQ(report["removed"], 1) << rel << ": " << first.out;
    const auto total = moments(count);
    ASSERT_GT(total, 0) << rel;
    const auto expected = published(m);
    for (long k : spread(total, trials(4))) {
      const auto trial = std::string(rel) + " kill before moment " + std::to_string(k) + "/" + std::to_string(total);
      fresh();
      auto killed = run({"buildcache", "update-index", m.string()}, home.path(), "any:" + std::to_string(k), m.string());
      EXPECT_EQ(killed.signal, SIGKILL) << trial << ": " << killed.err;
      auto again = run({"buildcache", "update-index", m.string()}, home.path());
      ASSERT_EQ(again.exit_code, 0) << trial << ": " << again.err;
      auto now = published(m);
      for (const auto& f : expected) EXPECT_TRUE(now.count(f)) << trial << ": lost " << f;
      expect_consistent(m, home.path(), trial);
    }
  }
}

// prune of one old spec (and its blobs), killed at each of its deletes and
// publishes, then rerun: the old spec gone, every other one intact.
TEST(BuildcacheKill, PruneBeforeEachRenameAndUnlink) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  const std::string hello = "v3/manifests/spec/peerhello/peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl.spec.manifest.json";
  TempDir home;
  const auto base = home / "base", m = home / "m";
  writable_copy(src, base);
  const auto now = fs::file_time_type::clock::now();
  for (auto& e : fs::recursive_directory_iterator(base))
    if (e.is_regular_file()) fs::last_write_time(e.path(), now - 24h);
  fs::last_write_time(base / hello, now - 100 * 24h);
  const std::vector<std::string> prune = {"buildcache", "prune", m.string(), "--older-than", "30", "--orphans"};
  auto fresh_copy = [&] {
    fs::remove_all(m);
    fs::copy(base, m, fs::copy_options::recursive);
    for (auto& e : fs::recursive_directory_iterator(base))  // fs::copy does not keep times
      if (e.is_regular_file()) fs::last_write_time(m / e.path().lexically_relative(base), e.last_write_time());
  };
  auto count = home / "count";
  fresh_copy();
  ASSERT_EQ(run(prune, home.path(), {}, m.string(), count).exit_code, 0);
  const auto total = moments(count);
  ASSERT_GT(total, 0);
  // The fixpoint: a second run deletes the index blob the first one replaced
  // (referenced when the first run looked, an old orphan after it).
  ASSERT_EQ(run(prune, home.path()).exit_code, 0);
  const auto expected = published(m);
  EXPECT_FALSE(expected.count(hello));
  for (long k : spread(total, trials(6))) {
    const auto trial = "prune kill before moment " + std::to_string(k) + "/" + std::to_string(total);
    fresh_copy();
    auto killed = run(prune, home.path(), "any:" + std::to_string(k), m.string());
    EXPECT_EQ(killed.signal, SIGKILL) << trial << ": " << killed.err;
    // Whatever moment it died at, no reader sees an index naming a missing
    // object: the index may lag behind (not yet list what prune has not yet
    // deleted), never name what is gone.
    auto before = run({"--json", "buildcache", "verify", "--no-signatures", m.string()}, home.path());
    for (const auto& p : nlohmann::json::parse(before.out).at("problems"))
      EXPECT_EQ(p.at("message").get<std::string>().rfind("index does not list", 0), 0u) << trial << ": " << p.dump();
    for (int rerun = 0; rerun < 2; ++rerun) {
      auto again = run(prune, home.path());
      ASSERT_EQ(again.exit_code, 0) << trial << ": " << again.err;
    }
    EXPECT_EQ(published(m), expected) << trial;
    expect_consistent(m, home.path(), trial);
  }
}

// kill -9 at a random moment of a sync of many objects, then a rerun.
TEST(BuildcacheKill, SyncAtRandomMoments) {
  SPACKEXT_REQUIRE_FIXTURE(fixture, "fixtures/spack/buildcache-v3-unsigned");
  TempDir home;
  const auto src = home / "src", dst = home / "dst";
  writable_copy(fixture, src);
  // Extra unreferenced blobs (named by their digest) so the copy takes a while.
  std::mt19937 rng(9);
  for (int i = 0; i < 40; ++i) {
    std::string data(256 << 10, '\0');
    for (auto& c : data) c = static_cast<char>(rng());
    auto r = spackext::testing::run({"/usr/bin/sha256sum"}, {.input = data});
    const auto sha = r.out.substr(0, 64);
    spackext::testing::write_file(src / "blobs/sha256" / sha.substr(0, 2) / sha, data);
  }
  const auto host = spackext::testing::host_binary();
  auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(run({"buildcache", "sync", src.string(), dst.string()}, home.path()).exit_code, 0);
  const auto full = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  const auto expected = published(dst);
  std::uniform_int_distribution<long> when(0, full.count());
  for (int t = 0, n = trials(3); t < n; ++t) {
    fs::remove_all(dst);
    const auto delay = std::chrono::microseconds(when(rng));
    const auto trial = "random kill after " + std::to_string(delay.count()) + " us";
    pid_t pid = ::fork();
    if (pid == 0) {
      ::setenv("HOME", home.path().c_str(), 1);
      ::setenv("XDG_CONFIG_HOME", (home / ".config").c_str(), 1);
      ::setenv("XDG_STATE_HOME", (home / ".local/state").c_str(), 1);
      std::freopen("/dev/null", "w", stdout);
      std::freopen("/dev/null", "w", stderr);
      ::execl(host.c_str(), host.c_str(), "buildcache", "sync", src.c_str(), dst.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    std::this_thread::sleep_for(delay);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    auto again = run({"buildcache", "sync", src.string(), dst.string()}, home.path());
    ASSERT_EQ(again.exit_code, 0) << trial << ": " << again.err;
    EXPECT_EQ(published(dst), expected) << trial;
    expect_consistent(dst, home.path(), trial);
  }
}

}  // namespace
}  // namespace spackext::faults
