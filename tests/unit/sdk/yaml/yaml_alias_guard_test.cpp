// The alias checks for code that reads yaml-cpp nodes itself: a document
// whose aliases make it a cycle or expand it without bound is named with
// its line; ordinary aliases pass.
#include <string>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "spackext/yaml_alias_guard.hpp"
#include "alias_bomb.hpp"

namespace {

using spackext::check_yaml_aliases;
using spackext::find_yaml_alias_problem;

TEST(YamlAliasGuard, SiblingAliasesPass) {
  EXPECT_FALSE(find_yaml_alias_problem(YAML::Load("a: &x {b: [1, 2]}\nc: *x\nd: [*x, *x]\n")));
  EXPECT_NO_THROW(check_yaml_aliases(YAML::Load("plain: text\n"), "f.yaml"));
}

TEST(YamlAliasGuard, CycleIsNamedWithItsLine) {
  auto problem = find_yaml_alias_problem(YAML::Load("spack:\n  packages: &x\n    all: {require: *x}\n"));
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->what, "an alias refers to a mapping or list that contains it");
  EXPECT_EQ(problem->line, 2);
  try {
    check_yaml_aliases(YAML::Load("a: &x [*x]\n"), "loop.yaml");
    ADD_FAILURE() << "accepted";
  } catch (const spackext::InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("loop.yaml:1: an alias refers", 0), 0u) << e.what();
    EXPECT_EQ(e.exit_code(), 2);
  }
}

TEST(YamlAliasGuard, ExpansionStopsAtTheLimit) {
  // 10^10 values from 1 KB.
  const std::string text = spackext::testing::alias_bomb_yaml(9);
  auto problem = find_yaml_alias_problem(YAML::Load(text));
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->what.find("more than 1000000 values"), std::string::npos) << problem->what;
}

}  // namespace
