// End to end through the host: the Spack-made signed fixture cache synced
// from file:// to gs:// (the fake GCS server, found through
// STORAGE_EMULATOR_HOST, with a service-account key file), then listed,
// keys trusted from the gs:// mirror and verified with signatures.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "fake_gcs.hpp"
#include "rsa_test_key.hpp"

namespace {

namespace fs = std::filesystem;
using spackext::testing::run;
using spackext::testing::run_host;
using spackext::testing::TempDir;
using spackext::testing::write_file;

constexpr const char* kEmail = "ci-cache@spack-ext-tests.iam.gserviceaccount.com";

// The JSON between a clearsigned file's header and its signature.
std::string payload(const std::string& text) {
  if (text.rfind("-----BEGIN PGP SIGNED MESSAGE-----", 0) != 0) return text;
  auto start = text.find("\n\n") + 2;
  return text.substr(start, text.find("\n-----BEGIN PGP SIGNATURE-----") - start);
}

// (name, hash) of every spec Spack put in the fixture: its spec manifests'
// file names, each of which its index must mark in_buildcache.
std::set<std::pair<std::string, std::string>> fixture_specs(const fs::path& mirror) {
  auto manifest = nlohmann::json::parse(payload(spackext::testing::read_file(mirror / "v3/manifests/index/index.manifest.json")));
  const std::string sha = manifest["data"][0]["checksum"];
  auto index = nlohmann::json::parse(spackext::testing::read_file(mirror / "blobs/sha256" / sha.substr(0, 2) / sha));
  std::set<std::pair<std::string, std::string>> out;
  for (auto& e : fs::recursive_directory_iterator(mirror / "v3/manifests/spec")) {
    if (!e.is_regular_file()) continue;
    auto stem = e.path().filename().string();                   // peerhello-1.0-<hash>.spec.manifest.json
    stem = stem.substr(0, stem.find(".spec.manifest.json"));
    auto hash = stem.substr(stem.rfind('-') + 1);
    EXPECT_TRUE(index["database"]["installs"][hash]["in_buildcache"].get<bool>()) << hash;
    out.emplace(e.path().parent_path().filename().string(), hash);
  }
  return out;
}

class GnupgDir {
 public:
  GnupgDir() : tmp_("gcs-gpg") {
    fs::create_directory(path());
    fs::permissions(path(), fs::perms::owner_all);
  }
  ~GnupgDir() { run({"/usr/bin/gpgconf", "--homedir", path().string(), "--kill", "all"}); }
  fs::path path() const { return tmp_.path() / "h"; }

 private:
  TempDir tmp_;
};

TEST(GcsCli, SyncSignedFixtureToGsListTrustAndVerify) {
  SPACKEXT_REQUIRE_FAKE_GCS();
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-signed");
  if (!fs::exists("/usr/bin/gpg")) GTEST_SKIP() << "/usr/bin/gpg not installed";
  TempDir home;
  auto key = spackext::mirrors::gcs::test::generate_rsa_test_key();
  write_file(home / "sa.pub.pem", key.public_pem);
  spackext::test::FakeGcsServer server(home.path(), "ci-cache",
                                       {"--require-auth", "--page-size", "3", "--service-account",
                                        std::string(kEmail) + "=" + (home / "sa.pub.pem").string()});
  ASSERT_TRUE(server.ready()) << server.log();
  write_file(home / "sa.json", spackext::mirrors::gcs::test::service_account_json(kEmail, key, server.token_uri()));
  spackext::testing::RunOptions env;
  env.env = {{"STORAGE_EMULATOR_HOST", server.endpoint().substr(7)},  // host:port, as Google's tools take it
             {"GOOGLE_APPLICATION_CREDENTIALS", (home / "sa.json").string()}};
  env.unset_env = {"GOOGLE_OAUTH_ACCESS_TOKEN", "SPACK_EXT_CA_BUNDLE"};
  const std::string url = "gs://ci-cache/spack/v1";

  auto sync = run_host({"--json", "buildcache", "sync", "file://" + src.string(), url, "--jobs", "4"}, home.path(), env);
  ASSERT_EQ(sync.exit_code, 0) << sync.out << sync.err;
  EXPECT_GT(nlohmann::json::parse(sync.out)["copied"].get<int>(), 0);

  auto list = run_host({"--json", "buildcache", "list", url}, home.path(), env);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::set<std::pair<std::string, std::string>> listed;
  const auto list_json = nlohmann::json::parse(list.out);
  for (const auto& s : list_json["specs"]) listed.emplace(s["name"], s["hash"]);
  const auto expected = fixture_specs(src);
  EXPECT_FALSE(expected.empty());
  EXPECT_EQ(listed, expected) << list.out;

  GnupgDir gpg;
  auto trust = run_host({"buildcache", "keys", "trust", "--from-mirror", url, "--keyring", gpg.path().string()},
                        home.path(), env);
  ASSERT_EQ(trust.exit_code, 0) << trust.out << trust.err;
  EXPECT_NE(trust.out.find("C5B335FBBE18B2731768BFDFAA81AE5C47BB2728"), std::string::npos) << trust.out;  // fixtures README
  auto verify = run_host({"--json", "buildcache", "verify", url, "--keyring", gpg.path().string()}, home.path(), env);
  ASSERT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto report = nlohmann::json::parse(verify.out);
  EXPECT_EQ(report["specs"].get<std::size_t>(), expected.size());
  EXPECT_TRUE(report["ok"].get<bool>()) << verify.out;
  std::size_t signed_manifests = 0;  // the fixture's clearsigned spec manifests
  for (auto& e : fs::recursive_directory_iterator(src / "v3/manifests/spec"))
    signed_manifests += e.is_regular_file() &&
                        spackext::testing::read_file(e.path()).rfind("-----BEGIN PGP SIGNED MESSAGE-----", 0) == 0;
  EXPECT_EQ(report["signatures_checked"].get<std::size_t>(), signed_manifests) << verify.out;
  EXPECT_TRUE(report["problems"].empty()) << verify.out;

  auto again = run_host({"--json", "buildcache", "sync", "file://" + src.string(), url}, home.path(), env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out)["copied"], 0);
}

TEST(GcsCli, WrongKeyOrNoCredentialsExitTwoWithoutSecrets) {
  SPACKEXT_REQUIRE_FAKE_GCS();
  TempDir home;
  auto key = spackext::mirrors::gcs::test::generate_rsa_test_key();
  auto other = spackext::mirrors::gcs::test::generate_rsa_test_key();
  write_file(home / "sa.pub.pem", key.public_pem);
  spackext::test::FakeGcsServer server(home.path(), "ci-cache",
                                       {"--require-auth", "--service-account",
                                        std::string(kEmail) + "=" + (home / "sa.pub.pem").string()});
  ASSERT_TRUE(server.ready()) << server.log();
  write_file(home / "forged.json", spackext::mirrors::gcs::test::service_account_json(kEmail, other, server.token_uri()));
  spackext::testing::RunOptions env;
  env.env = {{"STORAGE_EMULATOR_HOST", server.endpoint()},
             {"GOOGLE_APPLICATION_CREDENTIALS", (home / "forged.json").string()}};
  env.unset_env = {"GOOGLE_OAUTH_ACCESS_TOKEN"};
  auto forged = run_host({"buildcache", "list", "gs://ci-cache/spack"}, home.path(), env);
  EXPECT_EQ(forged.exit_code, 2) << forged.out << forged.err;
  EXPECT_NE(forged.err.find("Invalid JWT Signature"), std::string::npos) << forged.err;
  EXPECT_EQ((forged.out + forged.err).find(spackext::mirrors::gcs::test::pem_body_line(other.private_pem)),
            std::string::npos);

  spackext::testing::RunOptions anonymous;
  anonymous.env = {{"STORAGE_EMULATOR_HOST", server.endpoint()}};
  anonymous.unset_env = {"GOOGLE_OAUTH_ACCESS_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS"};
  auto denied = run_host({"buildcache", "list", "gs://ci-cache/spack"}, home.path(), anonymous);
  EXPECT_EQ(denied.exit_code, 2) << denied.out << denied.err;
  EXPECT_NE(denied.err.find("gs://ci-cache/spack"), std::string::npos) << denied.err;
  EXPECT_NE(denied.err.find("401"), std::string::npos) << denied.err;

  spackext::testing::RunOptions token;
  token.env = {{"STORAGE_EMULATOR_HOST", server.endpoint()}, {"GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.not-issued-secret"}};
  token.unset_env = {"GOOGLE_APPLICATION_CREDENTIALS"};
  auto bad_token = run_host({"buildcache", "list", "gs://ci-cache/spack"}, home.path(), token);
  EXPECT_EQ(bad_token.exit_code, 2) << bad_token.out << bad_token.err;
  EXPECT_EQ((bad_token.out + bad_token.err).find("ya29.not-issued-secret"), std::string::npos) << bad_token.err;
}

}  // namespace
