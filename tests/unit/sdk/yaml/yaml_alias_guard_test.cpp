// The alias checks for code that reads yaml-cpp nodes itself: a document
// whose aliases make it a cycle or expand it without bound is named with
// its line; ordinary aliases pass.
#include <string>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "spackext/yaml_alias_guard.hpp"

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
  // 10 values, then 9 levels of 10 aliases each: 10^10 values from 1 KB.
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", *a" : "*a") + std::to_string(i - 1);
    text += "]\n";
  }
  auto problem = find_yaml_alias_problem(YAML::Load(text));
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->what.find("more than 1000000 values"), std::string::npos) << problem->what;
}

}  // namespace
