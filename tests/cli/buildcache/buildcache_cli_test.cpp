// `spack-ext buildcache ...` through the real host and plugins.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <spackext_testing/testing.hpp>

namespace {

namespace fs = std::filesystem;
using spackext::testing::run_host;
using spackext::testing::TempDir;

std::set<std::string> in_buildcache_v3(const fs::path& mirror) {
  auto manifest = nlohmann::json::parse(spackext::testing::read_file(mirror / "v3/manifests/index/index.manifest.json"));
  std::string sha = manifest["data"][0]["checksum"];
  auto index = nlohmann::json::parse(spackext::testing::read_file(mirror / "blobs/sha256" / sha.substr(0, 2) / sha));
  std::set<std::string> out;
  for (auto& [h, rec] : index["database"]["installs"].items())
    if (rec["in_buildcache"].get<bool>()) out.insert(h);
  return out;
}

TEST(BuildcacheCli, ListJsonFromSpackFixture) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/buildcache-v3-unsigned");
  TempDir home;
  auto r = run_host({"--json", "buildcache", "list", "file://" + dir.string()}, home.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> listed;
  const auto doc = nlohmann::json::parse(r.out);
  for (const auto& s : doc.at("specs")) listed.insert(s.at("hash").get<std::string>());
  EXPECT_EQ(listed, in_buildcache_v3(dir));
}

TEST(BuildcacheCli, MirrorConfigurationPersistsAcrossRuns) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/buildcache-v3-unsigned");
  TempDir home;
  ASSERT_EQ(run_host({"buildcache", "add-mirror", "fx", dir.string()}, home.path()).exit_code, 0);
  auto listed = run_host({"buildcache", "list-mirrors"}, home.path());
  EXPECT_NE(listed.out.find("fx"), std::string::npos) << listed.out << listed.err;
  auto verify = run_host({"buildcache", "verify", "fx"}, home.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto stats = run_host({"--json", "buildcache", "stats", "fx"}, home.path());
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_EQ(nlohmann::json::parse(stats.out)["spec_count"], in_buildcache_v3(dir).size());
}

TEST(BuildcacheCli, CorruptCopyFailsVerifyWithExitOne) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/buildcache-v3-unsigned");
  TempDir home;
  fs::copy(dir, home / "m", fs::copy_options::recursive);
  // peerhello's tarball blob (fixtures README)
  auto blob = home / "m/blobs/sha256/10/1048eac5631ea92441a5b502db03067076c2e3d08d35a89f3a22bdb86701cc37";
  fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
  spackext::testing::write_file(blob, "garbage");
  auto r = run_host({"buildcache", "verify", (home / "m").string()}, home.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("blobs/sha256/10/1048eac5631ea92441a5b502db03067076c2e3d08d35a89f3a22bdb86701cc37"),
            std::string::npos)
      << r.out;
}

TEST(BuildcacheCli, BadInputExitCodes) {
  TempDir home;
  EXPECT_EQ(run_host({"buildcache", "list", "ftp://example.invalid/x"}, home.path()).exit_code, 2);
  EXPECT_EQ(run_host({"buildcache", "list", "nosuchmirror"}, home.path()).exit_code, 2);
  EXPECT_EQ(run_host({"buildcache", "list", (home / "empty").string(), "foo=bar"}, home.path()).exit_code, 2);
}

}  // namespace

namespace {

// Issue 9.5: a mirror root that does not exist is an input error (exit 2)
// naming it, for every command that reads a mirror; an existing empty folder
// is an empty cache (exit 0).
TEST(BuildcacheCli, MissingMirrorRootIsAnErrorAndAnEmptyOneIsEmpty) {
  TempDir home;
  const auto missing = "file://" + (home / "nonexistent").string();
  for (std::vector<std::string> args : {std::vector<std::string>{"list", missing},
                                        {"stats", missing},
                                        {"verify", missing},
                                        {"update-index", missing},
                                        {"sync", missing, (home / "dst").string()}}) {
    std::vector<std::string> argv = {"buildcache"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_host(argv, home.path());
    EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.out << r.err;
    EXPECT_NE(r.err.find((home / "nonexistent").string()), std::string::npos) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("does not exist"), std::string::npos) << args[0] << ": " << r.err;
    EXPECT_EQ(r.out.find("OK"), std::string::npos) << args[0] << ": " << r.out;
  }
  EXPECT_FALSE(fs::exists(home / "nonexistent"));
  EXPECT_FALSE(fs::exists(home / "dst"));

  fs::create_directories(home / "empty");
  const auto empty = "file://" + (home / "empty").string();
  auto list = run_host({"--json", "buildcache", "list", empty}, home.path());
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(nlohmann::json::parse(list.out).at("specs").empty());
  auto stats = run_host({"--json", "buildcache", "stats", empty}, home.path());
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_EQ(nlohmann::json::parse(stats.out).at("spec_count"), 0);
  EXPECT_EQ(run_host({"buildcache", "verify", empty}, home.path()).exit_code, 0);
}

}  // namespace
