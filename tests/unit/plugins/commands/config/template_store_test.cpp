// Template sets and rendering: YAML/shell quoting, errors that name the
// template and line, listing and creating sets.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "spackext/errors.hpp"
#include "spackext_testing/testing.hpp"
#include "template_store.hpp"

namespace {

using namespace spackext::config;
namespace fs = std::filesystem;
namespace t = spackext::testing;

TEST(YamlQuote, EveryStringReadsBackUnchanged) {
  for (std::string s : {"python@3.11:", "gcc@12.2.0 languages:='c,c++,fortran'", "yes", "null", "12",
                        "a \"quoted\" \\ back", "tab\there", "{name}_ROOT", "- dash", "#hash", ""}) {
    YAML::Node n = YAML::Load("v: " + yaml_quote(s));
    EXPECT_EQ(n["v"].as<std::string>(), s) << yaml_quote(s);
    EXPECT_EQ(n["v"].Tag(), "!") << "stays a string: " << s;
  }
}

TEST(ShellQuote, SingleQuotesSurvive) {
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  auto r = t::run({"/bin/sh", "-c", "printf %s " + shell_quote("a 'b' $HOME `x`")});
  EXPECT_EQ(r.out, "a 'b' $HOME `x`");
}

TEST(RenderTemplate, EscapeFollowsTheOutputLanguage) {
  t::TempDir dir;
  t::write_file(dir / "x.yaml.mustache", "spec: {{spec}}\nraw: {{{spec}}}\n");
  t::write_file(dir / "x.sh.mustache", "echo {{spec}}\n");
  nlohmann::json ctx{{"spec", "python@3.11:"}};
  EXPECT_EQ(render_template(dir / "x.yaml.mustache", ctx), "spec: \"python@3.11:\"\nraw: python@3.11:\n");
  EXPECT_EQ(render_template(dir / "x.sh.mustache", ctx), "echo 'python@3.11:'\n");
}

TEST(RenderTemplate, ErrorNamesTheTemplateAndLine) {
  t::TempDir dir;
  t::write_file(dir / "packages.yaml.mustache", "packages:\n  all:\n{{#compilers}}\n    x: 1\n");
  try {
    render_template(dir / "packages.yaml.mustache", nlohmann::json::object());
    FAIL() << "no error";
  } catch (const spackext::InputError& e) {
    std::string what = e.what();
    EXPECT_EQ(e.exit_code(), 2);
    EXPECT_NE(what.find((dir / "packages.yaml.mustache").string() + ":3: template error: Unclosed section \"compilers\""),
              std::string::npos)
        << what;
  }
}

TEST(TemplateStore, ListsShippedSetsAndCreatesUserCopies) {
  t::TempDir user;
  TemplateStore store({user / "site-config", t::source_dir() / "templates" / "site-config"});
  auto sets = store.list();
  ASSERT_FALSE(sets.empty());
  auto shipped = store.find("default");
  EXPECT_NE(std::find(shipped.files.begin(), shipped.files.end(), "packages.yaml.mustache"), shipped.files.end());

  auto created = store.create("mysite", "default");
  EXPECT_EQ(created.dir, user / "site-config" / "mysite");
  EXPECT_TRUE(fs::exists(created.dir / "packages.yaml.mustache"));
  EXPECT_EQ(store.find("mysite").dir, created.dir);
  EXPECT_THROW(store.create("mysite", "default"), spackext::InputError);
  EXPECT_THROW(store.create("../escape", "default"), spackext::InputError);
  try {
    store.find("defualt");
    FAIL();
  } catch (const spackext::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown template set 'defualt'"), std::string::npos);
  }
}

}  // namespace
