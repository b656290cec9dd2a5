// Where a gs:// mirror's endpoint, credentials and CA bundle come from.
#include <gtest/gtest.h>

#include <map>

#include <spackext/errors.hpp>
#include <spackext_testing/testing.hpp>

#include "credentials.hpp"
#include "rsa_test_key.hpp"

namespace spackext::mirrors::gcs {
namespace {

using spackext::testing::TempDir;
using spackext::testing::write_file;

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(GcsSettings, DefaultsAreGoogleAnonymousAndSystemCa) {
  auto s = resolve_settings(nlohmann::json::object(), fake_env({}));
  EXPECT_EQ(s.endpoint, "https://storage.googleapis.com");
  EXPECT_TRUE(s.anonymous());
  EXPECT_TRUE(s.ca_bundle.empty());
}

TEST(GcsSettings, EmulatorHostAndEndpointUrl) {
  // Google's libraries take STORAGE_EMULATOR_HOST as host:port (plain HTTP) or a URL.
  EXPECT_EQ(resolve_settings({}, fake_env({{"STORAGE_EMULATOR_HOST", "localhost:9023"}})).endpoint,
            "http://localhost:9023");
  EXPECT_EQ(resolve_settings({}, fake_env({{"STORAGE_EMULATOR_HOST", "https://gcs.local:8443/"}})).endpoint,
            "https://gcs.local:8443");
  // The mirror's own endpoint_url is more specific than the environment.
  auto s = resolve_settings({{"endpoint_url", "gcs.example.internal"}},
                            fake_env({{"STORAGE_EMULATOR_HOST", "localhost:9023"}}));
  EXPECT_EQ(s.endpoint, "https://gcs.example.internal");
}

TEST(GcsSettings, CaBundleFromSettingsThenEnvironment) {
  EXPECT_EQ(resolve_settings({}, fake_env({{"SPACK_EXT_CA_BUNDLE", "/etc/site.pem"}})).ca_bundle, "/etc/site.pem");
  EXPECT_EQ(resolve_settings({{"ca_bundle", "/m.pem"}}, fake_env({{"SPACK_EXT_CA_BUNDLE", "/etc/site.pem"}})).ca_bundle,
            "/m.pem");
}

TEST(GcsSettings, CredentialOrder) {
  TempDir tmp;
  auto key = test::generate_rsa_test_key();
  write_file(tmp / "sa.json", test::service_account_json("sa@p.iam.gserviceaccount.com", key, "http://127.0.0.1:1/token"));
  const auto file = (tmp / "sa.json").string();

  // Spack's access_token_variable names the variable holding a bearer token.
  auto s = resolve_settings({{"access_token_variable", "TOKVAR"}},
                            fake_env({{"TOKVAR", "tok-from-var"}, {"GOOGLE_OAUTH_ACCESS_TOKEN", "env-tok"}}));
  EXPECT_EQ(s.access_token, "tok-from-var");
  EXPECT_FALSE(s.service_account);

  s = resolve_settings({}, fake_env({{"GOOGLE_OAUTH_ACCESS_TOKEN", "env-tok"}, {"GOOGLE_APPLICATION_CREDENTIALS", file}}));
  EXPECT_EQ(s.access_token, "env-tok");
  EXPECT_FALSE(s.service_account);

  s = resolve_settings({}, fake_env({{"GOOGLE_APPLICATION_CREDENTIALS", file}}));
  ASSERT_TRUE(s.service_account);
  EXPECT_EQ(s.service_account->client_email, "sa@p.iam.gserviceaccount.com");
  EXPECT_EQ(s.service_account->token_uri, "http://127.0.0.1:1/token");
  EXPECT_EQ(s.service_account->private_key, key.private_pem);
  EXPECT_EQ(s.service_account->private_key_id, "0123456789abcdef");

  // A key file named in the mirror's settings beats the environment's token.
  s = resolve_settings({{"credentials_file", file}}, fake_env({{"GOOGLE_OAUTH_ACCESS_TOKEN", "env-tok"}}));
  ASSERT_TRUE(s.service_account);
  EXPECT_TRUE(s.access_token.empty());
}

TEST(GcsSettings, MissingVariableOrBadKeyFileIsInputErrorWithoutContent) {
  try {
    resolve_settings({{"access_token_variable", "GCS_TOKEN"}}, fake_env({}));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("GCS_TOKEN"), std::string::npos) << e.what();
  }
  TempDir tmp;
  const auto missing = (tmp / "nope.json").string();
  EXPECT_THROW(resolve_settings({{"credentials_file", missing}}, fake_env({})), InputError);

  write_file(tmp / "user.json", R"({"type": "authorized_user", "client_secret": "very-secret-client-secret"})");
  try {
    resolve_settings({}, fake_env({{"GOOGLE_APPLICATION_CREDENTIALS", (tmp / "user.json").string()}}));
    FAIL();
  } catch (const InputError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("user.json"), std::string::npos) << what;
    EXPECT_NE(what.find("authorized_user"), std::string::npos) << what;
    EXPECT_EQ(what.find("very-secret-client-secret"), std::string::npos) << what;
  }
  write_file(tmp / "nokey.json", R"({"type": "service_account", "client_email": "a@b"})");
  try {
    resolve_settings({{"credentials_file", (tmp / "nokey.json").string()}}, fake_env({}));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("private_key"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace spackext::mirrors::gcs
