// kill -9 at every rename of `product install` (the staging folder renamed
// into place): the prefix is never there half-installed, and a rerun
// installs it completely. Two installs racing for one prefix: one wins.
#include <gtest/gtest.h>

#include <csignal>
#include <algorithm>
#include <fstream>
#include <regex>
#include <thread>

#include "product_fixture.hpp"

namespace {

namespace fs = std::filesystem;
namespace st = spackext::testing;
namespace sp = spackext::testing::product;

int renames_of(const fs::path& count_file) {
  std::ifstream in(count_file);
  std::string line, last;
  while (std::getline(in, line)) last = line;
  std::smatch m;
  if (!std::regex_search(last, m, std::regex("renames=(\\d+)"))) return -1;
  return std::stoi(m[1]);
}

TEST(ProductInstallKill, EitherNothingOrTheCompleteInstall) {
  SPACKEXT_REQUIRE_FIXTURE(mirror, "fixtures/spack/buildcache-v3-signed");
  st::TempDir home("spackext-product-kill");
  sp::trust_fixture_keys(mirror, home / "gpg", home.path());
  auto packed = sp::pack_peerhello(mirror, home / "gpg", home.path(), home / "out");
  ASSERT_FALSE(packed.software.empty());
  const std::vector<std::string> args{"product", "install", packed.software.string(), "--prefix", (home / "site/peer").string()};

  auto counted = st::run_host(args, home.path(), {.env = {{"LD_PRELOAD", st::kill_hook_library().string()},
                                                         {"SPACKEXT_KILL_COUNT_FILE", (home / "count").string()}}});
  ASSERT_EQ(counted.exit_code, 0) << counted.err;
  const auto complete = sp::files_below(home / "site/peer");
  const int renames = renames_of(home / "count");
  ASSERT_GE(renames, 1);
  fs::remove_all(home / "site/peer");

  for (int n = 1; n <= renames; ++n) {
    auto killed = st::run_host(args, home.path(), {.env = {{"LD_PRELOAD", st::kill_hook_library().string()},
                                                          {"SPACKEXT_KILL_BEFORE", "rename:" + std::to_string(n)}}});
    EXPECT_EQ(killed.signal, SIGKILL) << "rename " << n;
    EXPECT_FALSE(fs::exists(home / "site/peer")) << "half an install visible after a kill before rename " << n;
    auto again = st::run_host(args, home.path());
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(sp::files_below(home / "site/peer"), complete);
    // The folder the killed run staged in is gone: only the install remains.
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(home / "site")) left.push_back(e.path().filename().string());
    EXPECT_EQ(left, std::vector<std::string>{"peer"});
    fs::remove_all(home / "site/peer");
  }
}

}  // namespace

namespace {

// Two installs into one prefix at once: one wins, the other changes nothing
// (exit 2), and the prefix holds one complete install.
TEST(ProductInstallConcurrent, OneWinsTheOtherChangesNothing) {
  SPACKEXT_REQUIRE_FIXTURE(mirror, "fixtures/spack/buildcache-v3-signed");
  st::TempDir home("spackext-product-race");
  sp::trust_fixture_keys(mirror, home / "gpg", home.path());
  auto packed = sp::pack_peerhello(mirror, home / "gpg", home.path(), home / "out");
  ASSERT_FALSE(packed.software.empty());
  auto reference = st::run_host({"product", "install", packed.software.string(), "--prefix", (home / "ref").string()}, home.path());
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  for (int round = 0; round < 3; ++round) {
    const fs::path prefix = home / ("race-" + std::to_string(round));
    st::RunResult a, b;
    std::thread ta([&] { a = st::run_host({"product", "install", packed.software.string(), "--prefix", prefix.string()}, home.path()); });
    std::thread tb([&] { b = st::run_host({"product", "install", packed.software.string(), "--prefix", prefix.string()}, home.path()); });
    ta.join();
    tb.join();
    const int wins = (a.exit_code == 0) + (b.exit_code == 0);
    EXPECT_EQ(wins, 1) << a.err << b.err;
    EXPECT_TRUE(a.exit_code == 0 || a.exit_code == 2) << a.err;
    EXPECT_TRUE(b.exit_code == 0 || b.exit_code == 2) << b.err;
    EXPECT_EQ(sp::files_below(prefix), sp::files_below(home / "ref"));
  }
}

}  // namespace

namespace {

// kill -9 at every rename of `product pack` (package prefixes moved into the
// staging tree, the two tarballs published): DIR never holds a partial
// tarball, the module tarball never comes without the software, and a rerun
// writes the same bytes as an uninterrupted pack.
TEST(ProductPackKill, NeverAPartialTarball) {
  SPACKEXT_REQUIRE_FIXTURE(mirror, "fixtures/spack/buildcache-v3-signed");
  st::TempDir home("spackext-product-packkill");
  sp::trust_fixture_keys(mirror, home / "gpg", home.path());
  auto args = [&](const fs::path& out) {
    return std::vector<std::string>{"product", "pack", "peerhello", "--from", "file://" + mirror.string(), "--prefix-variable",
                                    sp::kVariable, "-o", out.string(), "--keyring", (home / "gpg").string()};
  };
  auto counted = st::run_host(args(home / "ref"), home.path(), {.env = {{"LD_PRELOAD", st::kill_hook_library().string()},
                                                                      {"SPACKEXT_KILL_COUNT_FILE", (home / "count").string()}}});
  ASSERT_EQ(counted.exit_code, 0) << counted.err;
  const int renames = renames_of(home / "count");
  ASSERT_GE(renames, 2);
  const auto names = sp::files_below(home / "ref");
  ASSERT_EQ(names.size(), 2u);
  for (int n = 1; n <= renames; ++n) {
    const fs::path out = home / ("out-" + std::to_string(n));
    auto killed = st::run_host(args(out), home.path(), {.env = {{"LD_PRELOAD", st::kill_hook_library().string()},
                                                                {"SPACKEXT_KILL_BEFORE", "rename:" + std::to_string(n)}}});
    EXPECT_EQ(killed.signal, SIGKILL) << "rename " << n;
    for (const auto& e : fs::directory_iterator(out)) {
      const auto name = e.path().filename().string();
      if (name[0] == '.') continue;  // the killed run's work folder
      ASSERT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
      EXPECT_EQ(st::read_file(e.path()), st::read_file(home / "ref" / name)) << name << " after a kill before rename " << n;
    }
    // Published in order: software, then modules.
    const auto modules = std::find_if(names.begin(), names.end(), [](const auto& f) { return f.find("-modules") != std::string::npos; });
    const auto software = std::find_if(names.begin(), names.end(), [](const auto& f) { return f.find("-modules") == std::string::npos; });
    if (fs::exists(out / *modules)) EXPECT_TRUE(fs::exists(out / *software)) << "rename " << n;
    auto again = st::run_host(args(out), home.path());
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(sp::files_below(out), names);  // the abandoned work folder is gone
    for (const auto& name : names) EXPECT_EQ(st::read_file(out / name), st::read_file(home / "ref" / name)) << name;
  }
}

}  // namespace
