#include <gtest/gtest.h>

#include "spackext/manifest.hpp"

namespace {

using spackext::Manifest;
using spackext::ManifestError;

std::string envelope(const std::string& body, const std::string& api = "1.0") {
  return R"({"api_version":")" + api + R"(","abi":"gcc/libstdc++-cxx11","manifest":)" + body + "}";
}

std::string error_of(const std::string& text) {
  try {
    Manifest::from_envelope(text);
  } catch (const ManifestError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Manifest, ParsesEveryField) {
  auto m = Manifest::from_envelope(envelope(R"({
    "name": "mirror-oci", "version": "1.2.3", "description": "d", "vendor": "v", "license": "MIT",
    "priority": 7,
    "services": [{"kind": "mirror", "name": "oci", "aliases": ["oci+http"], "priority": 3}],
    "commands": [{"name": "x", "description": "dx", "subcommands": [{"name": "s", "description": "ds"}]}],
    "requires": [{"name": "base", "version": ">=1.0.0"}, {"name": "any"}]})") + std::string(3, '\0'));
  EXPECT_EQ(m.api_major, 1);
  EXPECT_EQ(m.api_minor, 0);
  EXPECT_EQ(m.name, "mirror-oci");
  EXPECT_EQ(m.version.str(), "1.2.3");
  EXPECT_EQ(m.priority, 7);
  ASSERT_EQ(m.services.size(), 1u);
  EXPECT_TRUE(m.provides("mirror", "oci+http"));
  EXPECT_FALSE(m.provides("mirror", "s3"));
  EXPECT_TRUE(m.has_command("x"));
  ASSERT_EQ(m.commands[0].subcommands.size(), 1u);
  ASSERT_EQ(m.requires_.size(), 2u);
  EXPECT_EQ(m.requires_[1].range, "*");
  // Round trip through the envelope form.
  auto again = Manifest::from_json(m.to_json());
  EXPECT_EQ(again.to_json(), m.to_json());
}

TEST(Manifest, ErrorsNameTheField) {
  EXPECT_NE(error_of("{").find("manifest is not valid JSON (byte 2)"), std::string::npos) << error_of("{");
  EXPECT_EQ(error_of("[]"), "manifest must be a JSON object");
  EXPECT_EQ(error_of(R"({"abi":"x","manifest":{}})"), "missing required field 'api_version'");
  EXPECT_EQ(error_of(R"({"api_version":"one","abi":"x","manifest":{}})"),
            "field 'api_version' must be MAJOR.MINOR, found 'one'");
  EXPECT_EQ(error_of(envelope(R"({"version":"1.0.0"})")), "missing required field 'name'");
  EXPECT_EQ(error_of(envelope(R"({"name":"Bad Name","version":"1.0.0"})")),
            "field 'name' must be 1-64 of [a-z0-9._-], found 'Bad Name'");
  EXPECT_EQ(error_of(envelope(R"({"name":"p","version":"1.0"})")),
            "plugin 'p': field 'version' must be a semantic version, found '1.0'");
  EXPECT_EQ(error_of(envelope(R"({"name":"p","version":"1.0.0","services":{}})")),
            "plugin 'p': field 'services' must be an array");
  EXPECT_EQ(error_of(envelope(R"({"name":"p","version":"1.0.0","services":[{"kind":"mirror"}]})")),
            "plugin 'p': services[0]: missing required field 'name'");
  EXPECT_EQ(error_of(envelope(R"({"name":"p","version":"1.0.0","priority":"high"})")),
            "plugin 'p': field 'priority' must be an integer");
  EXPECT_NE(error_of(envelope(R"({"name":"p","version":"1.0.0","requires":[{"name":"q","version":">=banana"}]})"))
                .find("plugin 'p': requires[0]: bad version range '>=banana': cannot read '>=banana'"),
            std::string::npos);
}

}  // namespace
