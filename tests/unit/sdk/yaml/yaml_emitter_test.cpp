// emit_yaml: every document reads back (with the SDK's yaml-cpp based reader,
// YAML 1.2 core types) as the JSON it was emitted from, whatever the strings
// hold; words other YAML readers take for booleans are quoted.
#include <gtest/gtest.h>

#include "spackext/yaml_document.hpp"
#include "spackext/yaml_emitter.hpp"

namespace {

using spackext::emit_yaml;
using spackext::parse_yaml;
using Json = nlohmann::ordered_json;

void expect_round_trip(const Json& doc) {
  const auto text = emit_yaml(doc);
  spackext::YamlDocument back;
  try {
    back = parse_yaml(text, "emitted.yaml");
  } catch (const std::exception& e) {
    FAIL() << e.what() << "\n" << text;
  }
  EXPECT_EQ(back.root, nlohmann::json::parse(doc.dump())) << text;
}

const std::vector<std::string> kTrickyStrings = {
    "", " ", "plain", "two words", "true", "False", "yes", "No", "on", "OFF", "y", "n", "null", "Null", "~",
    "0", "-1", "+1", "1.5", ".5", "-.5", "1e3", "0x1F", "0o17", "012", "1_000", "12:30:00", "2026-12-03",
    ".inf", "-.inf", ".NaN", "- item", "-O3", "? key", ": value", "key: value", "a:b", "trailing:", "#comment",
    "a #comment", "a#b", "&anchor", "*alias", "!tag", "|", ">", "'single'", "\"double\"", "%directive", "@at",
    "`tick`", "[flow]", "{flow}", "a, b", "${{ matrix.name }}", "echo {compiler} > \"$SPACKEXT_ARTIFACTS/env\"",
    "tab\there", "\tlead tab", "line\nbreak", "ends with newline\n", "two\n\ntrailing\n\n", " leading space\nx\n",
    "x\n \ny", "x\n  indented\n", "cr\r\nlf", "bell\x07", "back\\slash", "unicode é ✓", "mpi/gcc@14.2/openmpi@5",
    "sh -ec \"$SPACKEXT_SCRIPT\"\n", "attempt=0\nuntil sh -ec \"$X\"; do\n  sleep 1\ndone\n", "=", "<<"};

TEST(YamlEmitter, StringsReadBackUnchangedAsValuesKeysAndItems) {
  Json map = Json::object(), seq = Json::array(), keys = Json::object();
  for (std::size_t i = 0; i < kTrickyStrings.size(); ++i) {
    map["k" + std::to_string(i)] = kTrickyStrings[i];
    seq.push_back(kTrickyStrings[i]);
    if (kTrickyStrings[i].find('\n') == std::string::npos && !kTrickyStrings[i].empty())
      keys[kTrickyStrings[i]] = static_cast<int>(i);
  }
  expect_round_trip({{"values", map}, {"items", seq}, {"keys", keys}});
}

TEST(YamlEmitter, NestingScalarsAndEmptyContainers) {
  Json doc = {{"stages", {"a", "b"}},
              {"job", {{"needs", Json::array()}, {"variables", Json::object()}, {"retry", 2}, {"ratio", 0.25},
                       {"flag", true}, {"none", nullptr}, {"negative", -7}}},
              {"matrix", {{{"name", "x"}, {"list", {1, 2}}}, {{"nested", {{{"deep", {{"deeper", "v"}}}}}}}}},
              {"seq of seqs", {{"a", "b"}, Json::array(), {{"c", {"d"}}}}},
              {"script", "line 1\nline 2\n"}};
  expect_round_trip(doc);
  expect_round_trip(Json::array({"top", {{"level", 1}}}));
  expect_round_trip("just a scalar");
}

TEST(YamlEmitter, LayoutFollowsYamlCpp) {
  Json doc = {{"stages", {"compilers", "mpi"}}, {"job", {{"script", {"true"}}, {"needs", Json::array()}}},
              {"on", {{"workflow_dispatch", Json::object()}}}};
  EXPECT_EQ(emit_yaml(doc),
            "stages:\n  - compilers\n  - mpi\njob:\n  script:\n    - \"true\"\n  needs: []\n"
            "\"on\":\n  workflow_dispatch: {}\n");
  EXPECT_EQ(emit_yaml(Json{{"steps", {{{"name", "run"}, {"run", "a\nb\n"}}}}}),
            "steps:\n  - name: run\n    run: |\n      a\n      b\n");
}

}  // namespace
