// YAML to JSON with line marks: YAML 1.2 core types, quoted strings, lines.
#include <gtest/gtest.h>

#include "spackext/yaml_document.hpp"
#include "alias_bomb.hpp"

namespace {

using spackext::parse_yaml;

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
  } catch (const spackext::YamlSyntaxError& e) {
    EXPECT_EQ(e.file(), "broken.yaml");
    EXPECT_GE(e.line(), 2);
    EXPECT_NE(std::string(e.what()).find("broken.yaml:"), std::string::npos);
    EXPECT_EQ(e.exit_code(), 2);
  }
}

}  // namespace

namespace {

TEST(YamlDocument, ColumnsAndPlainTextOfNonStrings) {
  // The documented package file's `- python@3.11:` is a one-key mapping; its
  // key's column lets a spec error point into the file.
  auto doc = spackext::parse_yaml("version: 2.10\ndependencies:\n  - python@3.11:\n  - hdf5+mpi\n", "p.yaml");
  EXPECT_EQ(doc.plain_text.at("/version"), "2.10");
  EXPECT_TRUE(doc.root["dependencies"][0].contains("python@3.11"));
  EXPECT_EQ(doc.columns.at("/dependencies/0/python@3.11"), 5);
  EXPECT_EQ(doc.line_of("/dependencies/1"), 4);
  EXPECT_EQ(doc.columns.at("/dependencies/1"), 5);
}

// yaml-cpp resolves aliases into shared nodes: a list that contains itself
// recursed until the stack overflowed (SIGSEGV in `config validate` and
// `package validate`), and aliases repeated within aliases expand a small
// file without bound. Both are syntax errors naming the file and a line.
TEST(YamlDocument, SelfContainingAliasIsAnError) {
  for (const std::string text : {"a: &x [*x]\n", "packages: &x\n  all: *x\n", "- &x\n  - b: [*x]\n"}) {
    try {
      parse_yaml(text, "loop.yaml");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const spackext::YamlSyntaxError& e) {
      EXPECT_EQ(e.file(), "loop.yaml");
      EXPECT_NE(e.problem().find("an alias refers to a mapping or list that contains it"), std::string::npos) << e.what();
    }
  }
  // An alias to a sibling is ordinary YAML.
  auto doc = parse_yaml("a: &x [1, 2]\nb: *x\nc: {d: *x}\n", "ok.yaml");
  EXPECT_EQ(doc.root["c"]["d"], doc.root["a"]);
}

TEST(YamlDocument, AliasExpansionBeyondTheLimitIsAnError) {
  // 10^7 values from 600 bytes.
  const std::string text = spackext::testing::alias_bomb_yaml(6);
  try {
    parse_yaml(text, "laughs.yaml");
    ADD_FAILURE() << "accepted";
  } catch (const spackext::YamlSyntaxError& e) {
    EXPECT_NE(e.problem().find("expands to more than"), std::string::npos) << e.what();
  }
}

}  // namespace
