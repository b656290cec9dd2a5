// Mirror entry -> credentials and CA bundle, with a fake environment.
#include <gtest/gtest.h>

#include <map>

#include <spackext/errors.hpp>
#include <spackext_testing/testing.hpp>

#include "settings.hpp"

namespace {

using namespace spackext::mirrors::https;

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const std::string kUrl = "https://cache.example.org/spack";

TEST(HttpsSettings, NothingConfiguredIsAnonymousWithTheSystemTrustStore) {
  auto s = resolve_settings(nlohmann::json::object(), kUrl, fake_env({}));
  EXPECT_TRUE(s.basic_user.empty());
  EXPECT_TRUE(s.basic_password.empty());
  EXPECT_TRUE(s.bearer_token.empty());
  EXPECT_TRUE(s.ca_bundle.empty());
}

TEST(HttpsSettings, AccessPairIsBasicAuthFromVariables) {
  nlohmann::json entry = {{"url", kUrl}, {"access_pair", {{"id_variable", "DAV_USER"}, {"secret_variable", "DAV_PASS"}}}};
  auto s = resolve_settings(entry, kUrl, fake_env({{"DAV_USER", "ci"}, {"DAV_PASS", "hunter2"}}));
  EXPECT_EQ(s.basic_user, "ci");
  EXPECT_EQ(s.basic_password, "hunter2");
  nlohmann::json literal_id = {{"access_pair", {{"id", "deploy"}, {"secret_variable", "DAV_PASS"}}}};
  EXPECT_EQ(resolve_settings(literal_id, kUrl, fake_env({{"DAV_PASS", "x"}})).basic_user, "deploy");
}

TEST(HttpsSettings, MissingVariablesAreNamedButNoValueIsShown) {
  nlohmann::json entry = {{"access_pair", {{"id", "deploy"}, {"secret_variable", "DAV_PASS"}}}};
  try {
    resolve_settings(entry, kUrl, fake_env({}));
    FAIL();
  } catch (const spackext::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'DAV_PASS'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(kUrl), std::string::npos) << e.what();
  }
  nlohmann::json token = {{"access_token_variable", "DAV_TOKEN"}};
  EXPECT_THROW(resolve_settings(token, kUrl, fake_env({{"DAV_TOKEN", ""}})), spackext::InputError);
  EXPECT_EQ(resolve_settings(token, kUrl, fake_env({{"DAV_TOKEN", "abc"}})).bearer_token, "abc");
}

TEST(HttpsSettings, CaBundleFromTheEntryOrTheEnvironmentMustExist) {
  spackext::testing::TempDir dir;
  const auto pem = (dir / "site-ca.pem").string(), other = (dir / "other.pem").string();
  spackext::testing::write_file(pem, "-----BEGIN CERTIFICATE-----\n");
  spackext::testing::write_file(other, "-----BEGIN CERTIFICATE-----\n");
  EXPECT_EQ(resolve_settings({{"ca_bundle", pem}}, kUrl, fake_env({})).ca_bundle, pem);
  EXPECT_EQ(resolve_settings(nlohmann::json::object(), kUrl, fake_env({{"SPACK_EXT_CA_BUNDLE", other}})).ca_bundle,
            other);
  // The mirror's own setting wins over the environment.
  EXPECT_EQ(resolve_settings({{"ca_bundle", pem}}, kUrl, fake_env({{"SPACK_EXT_CA_BUNDLE", other}})).ca_bundle, pem);
  try {
    resolve_settings({{"ca_bundle", (dir / "nope.pem").string()}}, kUrl, fake_env({}));
    FAIL();
  } catch (const spackext::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nope.pem"), std::string::npos) << e.what();
  }
  EXPECT_THROW(resolve_settings({{"ca_bundle", 7}}, kUrl, fake_env({})), spackext::InputError);
}

}  // namespace
