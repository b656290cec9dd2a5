// kill -9 in the middle of `spack-ext buildcache sync`, run it again: the
// destination ends complete and verified, and nothing it published was ever
// partial.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>
#include <spackext_testing/testing.hpp>

namespace {

namespace fs = std::filesystem;
using spackext::testing::TempDir;

std::set<std::string> published(const fs::path& dir) {
  std::set<std::string> out;
  if (!fs::exists(dir)) return out;
  for (auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename().string().rfind(".spackext-tmp-", 0) != 0)
      out.insert(e.path().lexically_relative(dir).generic_string());
  return out;
}

TEST(BuildcacheSyncKill, ResumesAfterKill9) {
  SPACKEXT_REQUIRE_FIXTURE(fixture, "fixtures/spack/buildcache-v3-unsigned");
  TempDir home;
  const auto src = home / "src", dst = home / "dst";
  fs::copy(fixture, src, fs::copy_options::recursive);
  for (auto& e : fs::recursive_directory_iterator(src))
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  // Enough extra (unreferenced) blobs that the copy takes a while, each named
  // by its sha256 as a content-addressed blob must be (sync checks it).
  std::mt19937 rng(7);
  std::string data(1 << 20, '\0');
  for (int i = 0; i < 150; ++i) {
    for (auto& c : data) c = static_cast<char>(rng());
    const auto sha = spackext::testing::run({"/usr/bin/sha256sum"}, {.input = data}).out.substr(0, 64);
    spackext::testing::write_file(src / "blobs/sha256" / sha.substr(0, 2) / sha, data);
  }
  const auto host = spackext::testing::host_binary();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("HOME", home.path().c_str(), 1);
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    ::execl(host.c_str(), host.c_str(), "buildcache", "sync", src.c_str(), dst.c_str(), "--jobs", "1",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Kill once some objects have landed, well before the end.
  for (int i = 0; i < 2000 && published(dst).size() < 20; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "sync finished before it could be killed";
  auto partial = published(dst);
  EXPECT_GE(partial.size(), 20u);
  EXPECT_LT(partial.size(), published(src).size());
  for (const auto& f : partial)  // whatever was published is complete
    EXPECT_EQ(spackext::testing::read_file(dst / f), spackext::testing::read_file(src / f)) << f;
  EXPECT_FALSE(fs::exists(dst / "v3/manifests/index/index.manifest.json"));  // index comes last

  auto again = spackext::testing::run_host({"--json", "buildcache", "sync", src.string(), dst.string()}, home.path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  auto report = nlohmann::json::parse(again.out);
  EXPECT_GE(report["skipped"].get<std::size_t>(), partial.size() - 1);
  EXPECT_EQ(published(dst), published(src));
  auto verify = spackext::testing::run_host({"buildcache", "verify", dst.string()}, home.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
}

}  // namespace
