// End to end through the host: Spack-made buildcaches synced from file:// to
// an https WebDAV mirror configured like Spack's mirrors.yaml (basic auth
// from variables, the site CA from SPACK_EXT_CA_BUNDLE), then listed and
// verified over https. Expectations come from the fixtures' own indexes.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "nginx_dav.hpp"

namespace {

namespace fs = std::filesystem;
using spackext::testing::read_file;
using spackext::testing::run_host;
using spackext::testing::TempDir;

std::set<std::string> in_buildcache(const nlohmann::json& index) {
  std::set<std::string> out;
  for (auto& [h, rec] : index["database"]["installs"].items())
    if (rec["in_buildcache"].get<bool>()) out.insert(h);
  return out;
}

std::set<std::string> in_buildcache_v3(const fs::path& mirror) {
  auto manifest = nlohmann::json::parse(read_file(mirror / "v3/manifests/index/index.manifest.json"));
  std::string sha = manifest["data"][0]["checksum"];
  return in_buildcache(nlohmann::json::parse(read_file(mirror / "blobs/sha256" / sha.substr(0, 2) / sha)));
}

std::set<std::string> in_buildcache_v2(const fs::path& mirror) {
  return in_buildcache(nlohmann::json::parse(read_file(mirror / "build_cache/index.json")));
}

std::set<std::string> listed_hashes(const std::string& json_out) {
  std::set<std::string> out;
  const auto doc = nlohmann::json::parse(json_out);  // kept alive for the loop
  for (const auto& s : doc.at("specs")) out.insert(s.at("hash").get<std::string>());
  return out;
}

bool has_temporaries(const fs::path& root) {
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.path().filename().string().find(".spackext-tmp-") != std::string::npos) return true;
  return false;
}

// A DAV server where anyone reads and "uploader" writes, and a host whose
// mirrors.yaml names it with the credentials in variables.
struct DavMirrorSetup {
  TempDir home, server_dir;
  spackext::test::NginxDav server;
  spackext::testing::RunOptions env;

  explicit DavMirrorSetup(bool signed_mirror)
      : server(server_dir.path(), [] {
          spackext::test::NginxDavOptions o;
          o.auth = spackext::test::DavAuth::basic_for_writes;
          return o;
        }()) {
    env.env = {{"CI_DAV_USER", server.options().user},
               {"CI_DAV_PASS", server.options().password},
               {"SPACK_EXT_CA_BUNDLE", server.ca_file().string()}};
    spackext::testing::write_file(home.path() / "spack-mirrors.yaml",
                                  "mirrors:\n"
                                  "  dav:\n"
                                  "    url: " + server.url("/cache") + "\n"
                                  "    signed: " + (signed_mirror ? "true" : "false") + "\n"
                                  "    access_pair:\n"
                                  "      id_variable: CI_DAV_USER\n"
                                  "      secret_variable: CI_DAV_PASS\n"
                                  "  anon:\n"
                                  "    url: " + server.url("/cache") + "\n"
                                  "    signed: " + (signed_mirror ? "true" : "false") + "\n");
  }

  void configure_and_sync(const fs::path& fixture) {
    auto add = run_host({"buildcache", "add-mirror", "--from-spack", (home.path() / "spack-mirrors.yaml").string()},
                        home.path(), env);
    ASSERT_EQ(add.exit_code, 0) << add.out << add.err;
    auto sync = run_host({"--json", "buildcache", "sync", "file://" + fixture.string(), "dav", "--jobs", "4"},
                         home.path(), env);
    ASSERT_EQ(sync.exit_code, 0) << sync.out << sync.err;
    EXPECT_GT(nlohmann::json::parse(sync.out)["copied"].get<int>(), 0);
    EXPECT_FALSE(has_temporaries(server.root()));
  }
};

TEST(HttpsCli, SyncSignedV3FixtureThenListAndVerifyOverHttps) {
  SPACKEXT_REQUIRE_NGINX_DAV();
  SPACKEXT_REQUIRE_FIXTURE(fixture, "fixtures/spack/buildcache-v3-signed");
  if (!fs::exists("/usr/bin/gpg")) GTEST_SKIP() << "/usr/bin/gpg not installed";
  DavMirrorSetup s(true);
  ASSERT_TRUE(s.server.ready()) << s.server.log();
  ASSERT_NO_FATAL_FAILURE(s.configure_and_sync(fixture));
  // Every blob Spack wrote is on the server, byte for byte.
  for (const auto& e : fs::recursive_directory_iterator(fixture / "blobs")) {
    if (!e.is_regular_file()) continue;
    const auto copy = s.server.root() / "cache" / fs::relative(e.path(), fixture);
    ASSERT_TRUE(fs::exists(copy)) << copy;
    EXPECT_EQ(read_file(copy), read_file(e.path())) << copy;
  }
  auto list = run_host({"--json", "buildcache", "list", "dav"}, s.home.path(), s.env);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(listed_hashes(list.out), in_buildcache_v3(fixture)) << list.out << list.err;

  // Signatures checked with the key published on the https mirror itself.
  fs::create_directories(s.home.path() / "keyring");
  fs::permissions(s.home.path() / "keyring", fs::perms::owner_all, fs::perm_options::replace);
  const auto keyring = (s.home.path() / "keyring").string();
  auto trust = run_host({"buildcache", "keys", "trust", "--from-mirror", "dav", "--keyring", keyring}, s.home.path(),
                        s.env);
  ASSERT_EQ(trust.exit_code, 0) << trust.out << trust.err;
  auto verify = run_host({"buildcache", "verify", "dav", "--keyring", keyring, "--jobs", "4"}, s.home.path(), s.env);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  auto again = run_host({"--json", "buildcache", "sync", "file://" + fixture.string(), "dav"}, s.home.path(), s.env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out)["copied"], 0);

  // Reading needs no credentials on this server.
  auto anon_list = run_host({"--json", "buildcache", "list", "anon"}, s.home.path(), s.env);
  ASSERT_EQ(anon_list.exit_code, 0) << anon_list.err;
  EXPECT_EQ(listed_hashes(anon_list.out), in_buildcache_v3(fixture));
  // Without the site CA the server is not trusted, and the error says so.
  auto untrusted_env = s.env;
  untrusted_env.env.erase("SPACK_EXT_CA_BUNDLE");
  untrusted_env.unset_env = {"SPACK_EXT_CA_BUNDLE"};
  auto untrusted = run_host({"buildcache", "list", "dav"}, s.home.path(), untrusted_env);
  EXPECT_NE(untrusted.exit_code, 0);
  EXPECT_NE(untrusted.err.find("TLS verification"), std::string::npos) << untrusted.err;
  EXPECT_NE(untrusted.err.find(s.server.url("/cache")), std::string::npos) << untrusted.err;
}

TEST(HttpsCli, SyncUnsignedV2FixtureAndWritesNeedCredentials) {
  SPACKEXT_REQUIRE_NGINX_DAV();
  SPACKEXT_REQUIRE_FIXTURE(fixture, "fixtures/spack/buildcache-v2-unsigned");
  DavMirrorSetup s(false);
  ASSERT_TRUE(s.server.ready()) << s.server.log();
  ASSERT_NO_FATAL_FAILURE(s.configure_and_sync(fixture));
  auto list = run_host({"--json", "buildcache", "list", "dav"}, s.home.path(), s.env);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(listed_hashes(list.out), in_buildcache_v2(fixture)) << list.out << list.err;
  auto verify = run_host({"buildcache", "verify", "dav", "--no-signatures"}, s.home.path(), s.env);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  // The same server without credentials: pushing is refused with a clear
  // message that never shows the password.
  auto denied = run_host({"buildcache", "sync", "file://" + fixture.string(),
                          s.server.url("/other")},
                         s.home.path(), s.env);
  EXPECT_NE(denied.exit_code, 0);
  EXPECT_NE((denied.out + denied.err).find("credentials are missing or wrong"), std::string::npos)
      << denied.out << denied.err;
  EXPECT_EQ((denied.out + denied.err).find(s.server.options().password), std::string::npos);
  EXPECT_FALSE(has_temporaries(s.server.root()));
  // A configured mirror whose secret variable is unset names the variable.
  auto no_var_env = s.env;
  no_var_env.env.erase("CI_DAV_PASS");
  no_var_env.unset_env = {"CI_DAV_PASS"};
  auto no_var = run_host({"buildcache", "list", "dav"}, s.home.path(), no_var_env);
  EXPECT_EQ(no_var.exit_code, 2);
  EXPECT_NE(no_var.err.find("CI_DAV_PASS"), std::string::npos) << no_var.err;
}

}  // namespace
