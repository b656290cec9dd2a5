// The buildcache command end to end in-process (the CLI tests run the host).
#include <gtest/gtest.h>

#include "spack_expectations.hpp"
#include "gnupg_home.hpp"
#include "test_host.hpp"

namespace spackext::buildcache {
namespace {

using namespace test;
using spackext::testing::TempDir;

TEST(Command, ListAllFixturesJson) {
  for (const char* rel : kFixtureMirrors) {
    SPACKEXT_REQUIRE_FIXTURE(dir, rel);
    TempDir home;
    TestHost host(home.path());
    auto r = run_buildcache(host, {"list", "file://" + dir.string()}, /*json=*/true);
    ASSERT_EQ(r.code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    std::set<std::string> listed;
    for (auto& s : j["specs"]) listed.insert(s["hash"]);
    std::string s(rel);
    auto index = s.find("oci") != std::string::npos  ? oci_index(dir)
                 : s.find("v3") != std::string::npos ? v3_index(dir)
                                                     : v2_index(dir);
    EXPECT_EQ(listed, in_buildcache(index)) << rel;
  }
}

std::set<std::string> list_hashes(TestHost& host, const std::string& url, const std::vector<std::string>& query) {
  std::vector<std::string> args{"list", url};
  args.insert(args.end(), query.begin(), query.end());
  auto r = run_buildcache(host, args, true);
  EXPECT_EQ(r.code, 0) << r.err;
  std::set<std::string> out;
  const auto doc = nlohmann::json::parse(r.out);  // range-for over a temporary's member would dangle
  for (const auto& s : doc.at("specs")) out.insert(s.at("hash").get<std::string>());
  return out;
}

TEST(Command, ListQueryByNameVersionCompilerArchHash) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/buildcache-v3-unsigned");
  TempDir home;
  TestHost host(home.path());
  const std::string url = "file://" + dir.string();
  using Set = std::set<std::string>;
  // Hashes from the fixtures README.
  EXPECT_EQ(list_hashes(host, url, {"peerhello"}), Set{"5hn2gvdnbmne734ml6ionv2ba7cemxgl"});
  EXPECT_EQ(list_hashes(host, url, {"/fe2x"}), Set{"fe2xtrzeuj3aptrt5see46vcskdgwfht"});
  const std::vector<std::string> all_terms{"peer*@1.0", "target=x86_64_v4"};
  EXPECT_EQ(list_hashes(host, url, all_terms).size(), 3u);
  const std::vector<std::string> gcc{"%gcc@12.2.0"};
  EXPECT_EQ(list_hashes(host, url, gcc), (Set{"5hn2gvdnbmne734ml6ionv2ba7cemxgl", "fe2xtrzeuj3aptrt5see46vcskdgwfht"}));
  EXPECT_TRUE(list_hashes(host, url, {"%clang"}).empty());
  EXPECT_TRUE(list_hashes(host, url, {"arch=linux-debian11-*"}).empty());
  const std::vector<std::string> scan{"peermpi", "--scan"};
  EXPECT_EQ(list_hashes(host, url, scan), Set{"52khzykl54qj6thnn2sikydwkxf5oeh5"});
  auto r = run_buildcache(host, {"list", url, "foo=bar"});
  EXPECT_EQ(r.code, 2);
}

TEST(Command, MirrorsAddListRemoveAndSpackExport) {
  TempDir home;
  TestHost host(home.path());
  EXPECT_EQ(run_buildcache(host, {"add-mirror", "local", "/srv/cache", "--unsigned"}).code, 0);
  EXPECT_EQ(run_buildcache(host, {"add-mirror", "s3m", "s3://bucket/p", "--endpoint-url", "http://127.0.0.1:9",
                                  "--s3-access-key-id-variable", "ID", "--s3-access-key-secret-variable", "SECRET",
                                  "--profile", "site"})
                .code,
            0);
  EXPECT_EQ(run_buildcache(host, {"add-mirror", "ro", "https://example.invalid/m", "--fetch-only"}).code, 0);
  EXPECT_EQ(run_buildcache(host, {"add-mirror", "local", "/other"}).code, 2);  // exists
  EXPECT_EQ(run_buildcache(host, {"add-mirror", "bad", "not a url"}).code, 2);
  auto list = run_buildcache(host, {"list-mirrors"}, true);
  ASSERT_EQ(list.code, 0) << list.err;
  auto j = nlohmann::json::parse(list.out);
  ASSERT_EQ(j.size(), 3u);
  auto yaml = run_buildcache(host, {"list-mirrors", "--to-spack"});
  EXPECT_NE(yaml.out.find("mirrors:"), std::string::npos);
  EXPECT_NE(yaml.out.find("secret_variable: SECRET"), std::string::npos);
  EXPECT_NE(yaml.out.find("url: file:///srv/cache"), std::string::npos);
  // --to-spack output is importable (by us, and in Spack's schema shape).
  spackext::testing::write_file(home / "exported.yaml", yaml.out);
  TempDir home2;
  TestHost host2(home2.path());
  EXPECT_EQ(run_buildcache(host2, {"add-mirror", "--from-spack", (home / "exported.yaml").string()}).code, 0);
  EXPECT_EQ(run_buildcache(host2, {"list-mirrors", "--to-spack"}).out, yaml.out);
  EXPECT_EQ(run_buildcache(host, {"remove-mirror", "ro"}).code, 0);
  EXPECT_EQ(run_buildcache(host, {"remove-mirror", "ro"}).code, 2);
  EXPECT_EQ(nlohmann::json::parse(run_buildcache(host, {"list-mirrors"}, true).out).size(), 2u);
}

// The generic connection flags (https basic/bearer auth, a CA, a GCS key):
// kept in spack-ext's own mirrors.yaml; --to-spack leaves out what Spack's
// schema would reject; a flag without its value is a usage error.
TEST(Command, AddMirrorGenericAuthAndTlsFlags) {
  TempDir home;
  TestHost host(home.path());
  auto r = run_buildcache(host, {"add-mirror", "site", "https://cache.example.invalid/spack", "--username-variable",
                                 "SITE_USER", "--password-variable", "SITE_PASS", "--ca-bundle", "/etc/site/ca.pem"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = run_buildcache(host, {"add-mirror", "gcs", "gs://bucket/cache", "--token-variable", "GCS_TOKEN",
                            "--credentials-file", "/etc/site/sa.json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto own = spackext::testing::read_file(home / "config" / "mirrors.yaml");
  EXPECT_NE(own.find("id_variable: SITE_USER"), std::string::npos) << own;
  EXPECT_NE(own.find("secret_variable: SITE_PASS"), std::string::npos) << own;
  EXPECT_NE(own.find("ca_bundle: /etc/site/ca.pem"), std::string::npos) << own;
  EXPECT_NE(own.find("access_token_variable: GCS_TOKEN"), std::string::npos) << own;
  EXPECT_NE(own.find("credentials_file: /etc/site/sa.json"), std::string::npos) << own;
  const auto spack = run_buildcache(host, {"list-mirrors", "--to-spack"}).out;
  EXPECT_EQ(spack.find("ca_bundle"), std::string::npos) << spack;
  EXPECT_EQ(spack.find("credentials_file"), std::string::npos) << spack;
  EXPECT_NE(spack.find("id_variable: SITE_USER"), std::string::npos) << spack;
  EXPECT_EQ(run_buildcache(host, {"add-mirror", "x", "https://x.invalid", "--ca-bundle"}).code, 2);
}

TEST(Command, ImportSpackMirrorsFile) {
  SPACKEXT_REQUIRE_FIXTURE(file, "fixtures/spack/config/mirrors.generated-by-spack-mirror-add.yaml");
  TempDir home;
  TestHost host(home.path());
  auto r = run_buildcache(host, {"add-mirror", "--from-spack", file.string()}, true);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["imported"], 4);
  EXPECT_EQ(run_buildcache(host, {"add-mirror", "--from-spack", file.string()}).code, 2);  // names taken
  EXPECT_EQ(run_buildcache(host, {"add-mirror", "--from-spack", file.string(), "--replace"}).code, 0);
}

TEST(Command, VerifyByConfiguredNameWithKeysFromTheMirror) {
  if (!have_gpg()) GTEST_SKIP() << "/usr/bin/gpg not installed";
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/buildcache-v2-and-v3-migrated-signed");
  TempDir home;
  TestHost host(home.path());
  GnupgHome gpg;
  ASSERT_EQ(run_buildcache(host, {"add-mirror", "mig", dir.string()}).code, 0);
  auto fails = run_buildcache(host, {"verify", "mig", "--keyring", gpg.path().string()});
  EXPECT_EQ(fails.code, 1);
  EXPECT_NE(fails.out.find("no public key"), std::string::npos) << fails.out;
  auto imported = run_buildcache(host, {"keys", "trust", "--from-mirror", "mig", "--keyring", gpg.path().string()});
  ASSERT_EQ(imported.code, 0) << imported.err;
  auto ok = run_buildcache(host, {"verify", "mig", "--keyring", gpg.path().string()});
  EXPECT_EQ(ok.code, 0) << ok.out;
  auto keys = run_buildcache(host, {"keys", "list", "--keyring", gpg.path().string()}, true);
  EXPECT_EQ(nlohmann::json::parse(keys.out).size(), published_keys(dir).size());
}

TEST(Command, StatsJsonAndUnknownScheme) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/buildcache-v3-signed");
  TempDir home;
  TestHost host(home.path());
  auto r = run_buildcache(host, {"stats", dir.string()}, true);
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["spec_count"], in_buildcache(v3_index(dir)).size());
  auto bad = run_buildcache(host, {"list", "ftp://example.invalid/x"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("unknown URL scheme 'ftp'"), std::string::npos) << bad.err;
  EXPECT_EQ(run_buildcache(host, {"list", "nosuchmirror"}).code, 2);
  EXPECT_EQ(run_buildcache(host, {"frobnicate"}).code, 2);
}

}  // namespace
}  // namespace spackext::buildcache

namespace spackext::buildcache {
namespace {

TEST(Command, HealthOfAWritableMirrorAndOfOneWithoutIndex) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir home;
  TestHost host(home.path());
  auto dir = writable_copy(src, home / "m");
  auto r = run_buildcache(host, {"health", dir.string()}, true);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j[0]["write_ok"], true);
  EXPECT_EQ(j[0]["index_specs"], in_buildcache(v3_index(src)).size());
  EXPECT_FALSE(fs::exists(dir / ".spackext-health"));  // the probe cleans up
  fs::create_directories(home / "empty");
  auto bad = run_buildcache(host, {"health", (home / "empty").string(), "--no-write"}, true);
  EXPECT_EQ(bad.code, 1);
  EXPECT_EQ(nlohmann::json::parse(bad.out)[0]["index_readable"], false);
}

}  // namespace
}  // namespace spackext::buildcache
