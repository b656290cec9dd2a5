#include <gtest/gtest.h>

#include <map>

#include <spackext/errors.hpp>
#include <spackext_testing/testing.hpp>

#include "credentials.hpp"

namespace spackext::mirrors::s3 {
namespace {

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(S3Credentials, AccessPairVariablesFromMirrorsYaml) {
  auto s = resolve_settings(nlohmann::json::parse(R"({"access_pair": {"id_variable": "ID", "secret_variable": "SEC"},
      "access_token_variable": "TOK", "endpoint_url": "127.0.0.1:9000"})"),
                            fake_env({{"ID", "AK"}, {"SEC", "SK"}, {"TOK", "ST"}, {"HOME", "/nonexistent"}}));
  EXPECT_EQ(s.credentials.access_key_id, "AK");
  EXPECT_EQ(s.credentials.secret_access_key, "SK");
  EXPECT_EQ(s.credentials.session_token, "ST");
  EXPECT_EQ(s.endpoint_url, "https://127.0.0.1:9000");  // scheme defaults to https, as in Spack
}

TEST(S3Credentials, MissingVariableIsInputErrorWithoutValues) {
  try {
    resolve_settings(nlohmann::json::parse(R"({"access_pair": {"id": "AK", "secret_variable": "NOPE"}})"),
                     fake_env({{"HOME", "/nonexistent"}}));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'NOPE' is not set"), std::string::npos);
  }
}

TEST(S3Credentials, EnvironmentThenProfileFiles) {
  spackext::testing::TempDir home;
  spackext::testing::write_file(home / ".aws/credentials",
                                "[default]\naws_access_key_id = DEF\naws_secret_access_key = DEFS\n"
                                "[site]\naws_access_key_id = SITE\naws_secret_access_key = SITES\n");
  spackext::testing::write_file(home / ".aws/config", "[profile site]\nregion = eu-north-1\n");
  auto env = fake_env({{"HOME", home.path().string()}});
  auto d = resolve_settings(nlohmann::json::object(), env);
  EXPECT_EQ(d.credentials.access_key_id, "DEF");
  EXPECT_EQ(d.region, "us-east-1");
  auto p = resolve_settings(nlohmann::json{{"profile", "site"}}, env);
  EXPECT_EQ(p.credentials.access_key_id, "SITE");
  EXPECT_EQ(p.region, "eu-north-1");
  auto e = resolve_settings(nlohmann::json::object(),
                            fake_env({{"HOME", home.path().string()}, {"AWS_ACCESS_KEY_ID", "ENV"},
                                      {"AWS_SECRET_ACCESS_KEY", "ENVS"}, {"AWS_DEFAULT_REGION", "ap-south-1"},
                                      {"S3_ENDPOINT_URL", "http://127.0.0.1:1"}}));
  EXPECT_EQ(e.credentials.access_key_id, "ENV");
  EXPECT_EQ(e.region, "ap-south-1");
  EXPECT_EQ(e.endpoint_url, "http://127.0.0.1:1");
}

}  // namespace
}  // namespace spackext::mirrors::s3
