// The file:// store: atomic publishing, conditional writes as real
// compare-and-swap under concurrency, key checks, and the sweep of temp files
// left by killed writers.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include <spackext/errors.hpp>
#include <spackext_testing/testing.hpp>

#include "file_store.hpp"

namespace spackext::mirrors {
namespace {

namespace fs = std::filesystem;
using spackext::testing::TempDir;

std::string read_all(MirrorStore& store, std::string_view key) {
  std::string out;
  store.get(key, [&](const char* d, std::size_t n) {
    out.append(d, n);
    return true;
  });
  return out;
}

std::vector<std::string> keys(MirrorStore& store, std::string_view prefix = "") {
  std::vector<std::string> out;
  store.list(prefix, [&](const ObjectInfo& o) { out.push_back(o.key); });
  std::sort(out.begin(), out.end());
  return out;
}

void set_mtime_hours_ago(const fs::path& p, int hours) {
  struct timespec times[2];
  times[0].tv_sec = times[1].tv_sec = ::time(nullptr) - hours * 3600;
  times[0].tv_nsec = times[1].tv_nsec = 0;
  ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), times, 0), 0);
}

TEST(FileStore, RoundTripAndListing) {
  TempDir tmp;
  FileMirrorStore store(tmp.path());
  put_bytes(store, "build_cache/a/b.spec.json", "{}");
  put_bytes(store, "build_cache/c.spack", std::string(3 << 20, 'x'));
  EXPECT_EQ(read_all(store, "build_cache/a/b.spec.json"), "{}");
  EXPECT_EQ(store.stat("build_cache/c.spack")->size, 3u << 20);
  EXPECT_EQ(keys(store), (std::vector<std::string>{"build_cache/a/b.spec.json", "build_cache/c.spack"}));
  EXPECT_EQ(keys(store, "build_cache/a/"), (std::vector<std::string>{"build_cache/a/b.spec.json"}));
  EXPECT_FALSE(store.stat("missing"));
  EXPECT_THROW(read_all(store, "missing"), Error);
}

TEST(FileStore, RefusesKeysThatEscapeTheRoot) {
  TempDir tmp;
  FileMirrorStore store(tmp.path() / "m");
  EXPECT_THROW(put_bytes(store, "../escaped", "x"), Error);
  EXPECT_THROW(put_bytes(store, "/abs", "x"), Error);
  EXPECT_THROW(put_bytes(store, "a/./../b", "x"), Error);
  EXPECT_FALSE(fs::exists(tmp / "escaped"));
}

TEST(FileStore, ShortSourceLeavesTheOldObjectAndNoTempFile) {
  TempDir tmp;
  FileMirrorStore store(tmp.path());
  put_bytes(store, "k", "old");
  std::string data = "new";
  EXPECT_THROW(store.put("k", 10, memory_source(data)), Error);
  EXPECT_EQ(read_all(store, "k"), "old");
  std::size_t files = 0;
  for (auto& e : fs::directory_iterator(tmp.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
}

// Issue 9.1: what a killed writer left is swept by the next listing at once,
// not an hour later; a live writer's temp file (it holds its flock) is not.
TEST(FileStore, SweepsTempFilesOfDeadWritersButNotOfLiveOnes) {
  TempDir tmp;
  FileMirrorStore store(tmp.path());
  put_bytes(store, "blobs/x", "x");
  const auto dead = tmp / "blobs/.spackext-tmp-123-0-42";
  const auto live = tmp / "blobs/.spackext-tmp-456-0-43";
  const auto opening = tmp / "blobs/.spackext-tmp-789-0-44";  // created, not yet locked
  std::ofstream(dead) << "half";
  std::ofstream(live) << "half";
  std::ofstream{opening};
  const int held = ::open(live.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(held, 0);
  ASSERT_EQ(::flock(held, LOCK_EX), 0);
  EXPECT_EQ(keys(store), (std::vector<std::string>{"blobs/x"}));  // none is listed
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(live));     // its writer is still working on it
  EXPECT_TRUE(fs::exists(opening));  // its writer may be between open() and flock()
  ::close(held);
  keys(store);
  EXPECT_FALSE(fs::exists(live));  // its writer died (the lock went with it)
  EXPECT_TRUE(fs::exists(opening));
  set_mtime_hours_ago(opening, 1);  // nobody takes an hour from open() to flock()
  keys(store);
  EXPECT_FALSE(fs::exists(opening));

  // A read-only store never deletes.
  std::ofstream(dead) << "half";
  FileMirrorStore readonly(tmp.path(), false);
  keys(readonly);
  EXPECT_TRUE(fs::exists(dead));
}

// Issue 9.5: a root that does not exist is not an empty mirror.
TEST(FileStore, MissingRootIsMirrorNotFoundAndPutCreatesIt) {
  TempDir tmp;
  FileMirrorStore store(tmp.path() / "nonexistent");
  try {
    keys(store);
    ADD_FAILURE() << "listed a mirror that does not exist";
  } catch (const MirrorNotFound& e) {
    EXPECT_EQ(e.exit_code(), kExitUsage);
    EXPECT_NE(std::string(e.what()).find((tmp.path() / "nonexistent").string()), std::string::npos) << e.what();
  }
  put_bytes(store, "a/b", "x");
  EXPECT_EQ(keys(store), std::vector<std::string>{"a/b"});
  FileMirrorStore empty(tmp.path() / "a/c");
  fs::create_directories(tmp.path() / "a/c");
  EXPECT_TRUE(keys(empty).empty());
}

// Issue 9.8: a failed condition is its own type, for callers to catch.
TEST(FileStore, FailedConditionsArePreconditionFailed) {
  TempDir tmp;
  FileMirrorStore store(tmp.path());
  auto first = put_bytes(store, "k", "1");
  EXPECT_THROW(put_bytes(store, "k", "2", {.if_none_match = true}), PreconditionFailed);
  put_bytes(store, "k", "3");
  EXPECT_THROW(put_bytes(store, "k", "4", {.if_match = first.etag}), PreconditionFailed);
  EXPECT_EQ(read_all(store, "k"), "3");
}

TEST(FileStore, IfNoneMatchHasExactlyOneWinner) {
  TempDir tmp;
  FileMirrorStore store(tmp.path());
  std::atomic<int> wins{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      try {
        put_bytes(store, "index.json", "writer " + std::to_string(i), {.if_none_match = true});
        ++wins;
      } catch (const Error&) {
        ++refused;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(refused, 7);
}

// Read-modify-write with If-Match, retried on a precondition failure: when
// the check and the rename are one atomic step, no increment is lost.
TEST(FileStore, IfMatchIsACompareAndSwap) {
  TempDir tmp;
  FileMirrorStore store(tmp.path());
  put_bytes(store, "counter", "0");
  constexpr int kThreads = 4, kIncrements = 50;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements;) {
        auto info = store.stat("counter");
        auto value = std::stoi(read_all(store, "counter"));
        // Re-stat: the value must belong to the version we compare against.
        if (store.stat("counter")->etag != info->etag) continue;
        try {
          put_bytes(store, "counter", std::to_string(value + 1), {.if_match = info->etag});
          ++i;
        } catch (const Error&) {
          ++conflicts;
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(read_all(store, "counter"), std::to_string(kThreads * kIncrements));
  RecordProperty("conflicts", conflicts.load());
}

}  // namespace
}  // namespace spackext::mirrors
