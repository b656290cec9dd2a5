// modules.yaml: Spack's own fixture config is accepted; mistakes are
// InputErrors naming file:line.
#include <gtest/gtest.h>

#include <spackext/errors.hpp>
#include <spackext_testing/testing.hpp>

#include "modules_config.hpp"

namespace {

using spackext::modules::ModulesConfig;

TEST(ModulesConfig, ReadsTheFixtureConfig) {
  SPACKEXT_REQUIRE_FIXTURE(file, "fixtures/spack/modules/modules.yaml");
  auto config = ModulesConfig::load(file);
  EXPECT_EQ(config.lmod["core_compilers"], nlohmann::json::array({"gcc@12.2.0"}));
  EXPECT_EQ(config.lmod["hierarchy"], nlohmann::json::array({"mpi"}));
  EXPECT_EQ(config.lmod["hash_length"], 0);
  EXPECT_EQ(config.lmod["all"]["autoload"], "direct");
  EXPECT_EQ(config.lmod["all"]["environment"]["set"][0], nlohmann::json::array({"{name}_ROOT", "{prefix}"}));
  EXPECT_EQ(config.tcl["projections"]["peerhello"], "{name}/{version}-{hash:4}");
  EXPECT_EQ(config.tcl["exclude_implicits"], false);
  EXPECT_EQ(config.roots["lmod"], "/opt/spack-peer/fixtures/modules/lmod");
  // Spack's default inspections, in Spack's order.
  ASSERT_EQ(config.prefix_inspections.size(), 8u);
  EXPECT_EQ(config.prefix_inspections.front().first, "bin");
  EXPECT_EQ(config.prefix_inspections.back().second, std::vector<std::string>{"CMAKE_PREFIX_PATH"});
}

TEST(ModulesConfig, RulesKeepTheirFileOrder) {
  auto config = ModulesConfig::parse(
      "modules:\n  default:\n    lmod:\n      zlib:\n        autoload: none\n      '^mpi':\n        conflict: [x]\n",
      "m.yaml");
  EXPECT_EQ(config.lmod["_rule_order"], nlohmann::json::array({"zlib", "^mpi"}));
}

void expect_error(const std::string& yaml, const std::string& where, const std::string& what) {
  try {
    ModulesConfig::parse(yaml, "modules.yaml");
    ADD_FAILURE() << "accepted:\n" << yaml;
  } catch (const spackext::InputError& e) {
    EXPECT_EQ(e.exit_code(), 2);
    std::string msg = e.what();
    EXPECT_NE(msg.find(where), std::string::npos) << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << msg;
  }
}

TEST(ModulesConfig, ErrorsNameFileAndLine) {
  expect_error("modules:\n  default:\n    lmod:\n      hash_lenght: 3\n", "modules.yaml:4",
               "'hash_lenght' was unexpected");
  expect_error("modules:\n  default:\n    lmod:\n      all:\n        autolaod: direct\n", "modules.yaml:5",
               "'autolaod' was unexpected");
  expect_error("modules:\n  default:\n    lmod:\n      all:\n        autoload: sometimes\n", "modules.yaml:5",
               "'sometimes' is not one of");
  expect_error("modules:\n  default:\n    tcl:\n      hash_length: seven\n", "modules.yaml:4", "hash_length");
  expect_error("modules:\n  default:\n    enable: [lmod, dotkit]\n", "modules.yaml:3", "'dotkit' is not one of");
  expect_error("modules:\n  default:\n    lmdo: {}\n", "modules.yaml:3", "'lmdo' was unexpected");
  expect_error("modules:\n  default:\n    lmod:\n      all:\n        environment:\n          sett: {A: b}\n",
               "modules.yaml:6", "'sett' was unexpected");
  expect_error("modules: [\n", "modules.yaml:", "error parsing YAML");
  expect_error("packages: {}\n", "modules.yaml:1", "modules:");
  EXPECT_THROW(ModulesConfig::load("/nonexistent/modules.yaml"), spackext::InputError);
}

}  // namespace
