#include <gtest/gtest.h>

#include "config/config_loader.hpp"
#include "spackext/errors.hpp"
#include "spackext_testing/testing.hpp"

namespace {

using spackext::core::ConfigSources;
using spackext::core::load_config;
using spackext::testing::TempDir;
using spackext::testing::write_file;

TEST(ConfigLoader, ScopesMergeLowestFirst) {
  TempDir d;
  write_file(d / "site/config.yaml", "a: {x: 1, y: site}\nlist: [1, 2]\nonly_site: true\n");
  write_file(d / "user/config.yaml", "a: {y: user}\nlist: [3]\n");
  write_file(d / "cwd/spack-ext.yaml", "a: {z: cwd}\n");
  write_file(d / "explicit.yaml", "a: {x: 9}\n");
  ConfigSources s{d / "site", d / "user", d / "cwd", d / "explicit.yaml",
                  {{"SPACK_EXT_A__W", "env"}, {"SPACK_EXT_DEPLOY__JOBS", "4"}}};
  auto c = load_config(s);
  EXPECT_EQ(c.at("a.x"), 9);
  EXPECT_EQ(c.at("a.y"), "user");
  EXPECT_EQ(c.at("a.z"), "cwd");
  EXPECT_EQ(c.at("a.w"), "env");
  EXPECT_EQ(c.at("list"), nlohmann::json::array({3}));  // sequences replace, maps merge
  EXPECT_EQ(c.value("only_site", false), true);
  EXPECT_EQ(c.value("deploy.jobs", 0), 4);
  EXPECT_TRUE(c.at("missing.key").is_null());
  EXPECT_EQ(c.sources().back(), "environment");
}

TEST(ConfigLoader, SpecStringsStayStrings) {
  auto j = spackext::core::yaml_to_json("a: 'python@3.11:'\nb: \"12\"\nc: 12\nd: 1.5\ne: null\nf: gcc@13\n", "t.yaml");
  EXPECT_EQ(j["a"], "python@3.11:");
  EXPECT_EQ(j["b"], "12");
  EXPECT_EQ(j["c"], 12);
  EXPECT_EQ(j["d"], 1.5);
  EXPECT_TRUE(j["e"].is_null());
  EXPECT_EQ(j["f"], "gcc@13");
}

TEST(ConfigLoader, SyntaxErrorsNameFileLineAndColumn) {
  TempDir d;
  write_file(d / "bad.yaml", "ok: 1\nlist: [1, 2\nnext: 3\n");
  ConfigSources s{d / "none", d / "none", d / "none", d / "bad.yaml", {}};
  try {
    load_config(s);
    FAIL();
  } catch (const spackext::InputError& e) {
    EXPECT_EQ(e.exit_code(), 2);
    std::string what = e.what();
    EXPECT_EQ(what.rfind((d / "bad.yaml").string() + ":", 0), 0u) << what;
    EXPECT_NE(what.find("invalid YAML"), std::string::npos) << what;
  }
}

TEST(ConfigLoader, MissingExplicitFileAndNonMappingAreErrors) {
  TempDir d;
  ConfigSources missing{d / "n", d / "n", d / "n", d / "absent.yaml", {}};
  EXPECT_THROW(load_config(missing), spackext::InputError);
  write_file(d / "list.yaml", "- a\n- b\n");
  ConfigSources list{d / "n", d / "n", d / "n", d / "list.yaml", {}};
  try {
    load_config(list);
    FAIL();
  } catch (const spackext::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("list.yaml:1: the configuration must be a mapping"), std::string::npos)
        << e.what();
  }
}

}  // namespace
