#include <gtest/gtest.h>

#include <map>

#include <spackext/errors.hpp>

#include "credentials.hpp"

namespace spackext::mirrors::oci {
namespace {

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(OciCredentials, AccessPairVariablesAsSpackMirrorAddWritesThem) {
  auto c = resolve_credentials(
      nlohmann::json::parse(R"({"url": "oci://r/x", "access_pair": {"id_variable": "U", "secret_variable": "P"}})"),
      "ci", fake_env({{"U", "user"}, {"P", "pass"}}));
  EXPECT_EQ(c.username, "user");
  EXPECT_EQ(c.password, "pass");
  auto literal_id = resolve_credentials(nlohmann::json::parse(R"({"access_pair": {"id": "me", "secret_variable": "P"}})"),
                                        "ci", fake_env({{"P", "pw"}}));
  EXPECT_EQ(literal_id.username, "me");
  auto legacy = resolve_credentials(nlohmann::json::parse(R"({"access_pair": ["me", "pw"]})"), "ci", fake_env({}));
  EXPECT_EQ(legacy.password, "pw");
  EXPECT_TRUE(resolve_credentials(nlohmann::json::parse(R"({"url": "oci://r/x"})"), "ci", fake_env({})).empty());
}

TEST(OciCredentials, MissingVariableNamesMirrorAndVariable) {
  try {
    resolve_credentials(nlohmann::json::parse(R"({"access_pair": {"id": "me", "secret_variable": "CI_PW"}})"), "ci",
                        fake_env({}));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("CI_PW"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("mirror 'ci'"), std::string::npos);
  }
  EXPECT_THROW(resolve_credentials(nlohmann::json::parse(R"({"access_pair": {"id": "me"}})"), "ci", fake_env({})),
               InputError);
}

TEST(OciCredentials, CaBundleFromSettingsThenEnvironment) {
  EXPECT_EQ(resolve_ca_bundle(nlohmann::json::parse(R"({"ca_bundle": "/a.pem"})"), fake_env({{"SPACK_EXT_CA_BUNDLE", "/b.pem"}})),
            "/a.pem");
  EXPECT_EQ(resolve_ca_bundle(nlohmann::json::object(), fake_env({{"SPACK_EXT_CA_BUNDLE", "/b.pem"}})), "/b.pem");
  EXPECT_EQ(resolve_ca_bundle(nlohmann::json::object(), fake_env({})), "");
}

}  // namespace
}  // namespace spackext::mirrors::oci
