// YAML to JSON with line marks: YAML 1.2 core types, quoted strings, lines.
#include <gtest/gtest.h>

#include "yaml_document.hpp"

namespace {

using spackext::config::parse_yaml;

TEST(YamlDocument, PlainScalarsFollowTheCoreSchema) {
  auto doc = parse_yaml("a: true\nb: 12\nc: 1.5\nd: ~\ne: '12'\nf: \"true\"\ng: gcc@12\nh:\n", "t.yaml");
  EXPECT_EQ(doc.root["a"], true);
  EXPECT_EQ(doc.root["b"], 12);
  EXPECT_DOUBLE_EQ(doc.root["c"].get<double>(), 1.5);
  EXPECT_TRUE(doc.root["d"].is_null());
  EXPECT_EQ(doc.root["e"], "12");
  EXPECT_EQ(doc.root["f"], "true");
  EXPECT_EQ(doc.root["g"], "gcc@12");
  EXPECT_TRUE(doc.root["h"].is_null());
}

TEST(YamlDocument, LinesOfNodes) {
  auto doc = parse_yaml("packages:\n  openmpi:\n    externals:\n    - spec: openmpi@4\n      prefix: /opt\n", "t.yaml");
  EXPECT_EQ(doc.line_of("/packages/openmpi"), 3);  // a mapping starts at its first key
  EXPECT_EQ(doc.line_of("/packages/openmpi/externals/0"), 4);
  EXPECT_EQ(doc.line_of("/packages/openmpi/externals/0/prefix"), 5);
  EXPECT_EQ(doc.line_of("/packages/openmpi/externals/0/missing"), 4);  // nearest ancestor
}

TEST(YamlDocument, SyntaxErrorNamesFileAndLine) {
  try {
    parse_yaml("a:\n  b: [1, 2\n", "broken.yaml");
    FAIL() << "no error";
  } catch (const spackext::config::YamlSyntaxError& e) {
    EXPECT_EQ(e.file(), "broken.yaml");
    EXPECT_GE(e.line(), 2);
    EXPECT_NE(std::string(e.what()).find("broken.yaml:"), std::string::npos);
    EXPECT_EQ(e.exit_code(), 2);
  }
}

}  // namespace
