// The validator against what Spack 1.1 itself accepted and rejected: the
// files in ../shared/fixtures/spack/config (and the modules.yaml Spack used
// to write the module trees). Expected lines and messages are the ones
// spack-formats.md §5 quotes from `spack -C <dir> config get packages`.
#include <gtest/gtest.h>

#include "scope_validator.hpp"
#include "spackext/errors.hpp"
#include "spackext_testing/testing.hpp"

namespace {

using spackext::config::ScopeValidator;
using spackext::config::ValidationIssue;
namespace fs = std::filesystem;
namespace t = spackext::testing;

std::string all(const std::vector<ValidationIssue>& issues) {
  std::string out;
  for (const auto& i : issues) out += i.to_string() + "\n";
  return out;
}

class AcceptedBySpack : public ::testing::TestWithParam<std::string> {};

TEST_P(AcceptedBySpack, Passes) {
  SPACKEXT_REQUIRE_FIXTURE(file, "fixtures/spack/" + GetParam());
  ScopeValidator v;
  auto issues = v.validate_file(file);
  EXPECT_TRUE(issues.empty()) << all(issues);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, AcceptedBySpack,
    ::testing::Values("config/packages.valid.yaml", "config/packages.peer-site.yaml",
                      "config/packages.compilers-autodetected.yaml", "config/compilers.v0.23-autodetected.yaml",
                      "config/mirrors.generated-by-spack-mirror-add.yaml", "modules/modules.yaml"),
    [](const auto& info) {
      std::string n = fs::path(info.param).stem().string();
      for (auto& c : n) if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      return n;
    });

struct Rejected {
  std::string fixture;
  int line;          // the line Spack reported
  std::string text;  // what Spack's message says
};

class RejectedBySpack : public ::testing::TestWithParam<Rejected> {};

// Spack reads a scope's packages.yaml: the fixture is copied into a scope
// folder under that name, as the peer did when it produced the messages.
TEST_P(RejectedBySpack, FailsAtTheLineSpackReported) {
  SPACKEXT_REQUIRE_FIXTURE(file, "fixtures/spack/config/" + GetParam().fixture);
  t::TempDir scope;
  fs::copy_file(file, scope / "packages.yaml");
  ScopeValidator v;
  auto issues = v.validate_scope(scope.path());
  ASSERT_FALSE(issues.empty());
  const auto& first = issues.front();
  EXPECT_EQ(first.file, (scope / "packages.yaml").string());
  EXPECT_EQ(first.line, GetParam().line) << all(issues);
  EXPECT_NE(first.message.find(GetParam().text), std::string::npos) << all(issues);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, RejectedBySpack,
    ::testing::Values(Rejected{"packages.invalid-type.yaml", 3, "'nope' is not of type 'boolean'"},
                      Rejected{"packages.invalid-missing-spec.yaml", 4, "'spec' is a required property"},
                      Rejected{"packages.invalid-unknown-key.yaml", 3,
                               "Additional properties are not allowed ('buildabel' was unexpected)"}),
    [](const auto& info) {
      std::string n = info.param.fixture.substr(std::string("packages.invalid-").size());
      n = n.substr(0, n.find('.'));
      for (auto& c : n) if (c == '-') c = '_';
      return n;
    });

TEST(RejectedBySpackYaml, SyntaxErrorIsReportedWithItsFile) {
  SPACKEXT_REQUIRE_FIXTURE(file, "fixtures/spack/config/packages.invalid-yaml.yaml");
  ScopeValidator v;
  auto issues = v.validate_file(file);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].file, file.string());
  EXPECT_NE(issues[0].message.find("error parsing YAML"), std::string::npos) << all(issues);
  // The flow sequence opened on line 3 is never closed; the parser notices
  // at the end of the stream (line 4, column 1).
  EXPECT_EQ(issues[0].line, 4);
  EXPECT_EQ(issues[0].to_string().rfind(file.string() + ":4: error parsing YAML: ", 0), 0u) << all(issues);
}

TEST(ScopeValidator, KeyNamesThePathToTheNode) {
  ScopeValidator v;
  auto issues = v.validate_text("packages:\n  openmpi:\n    buildable: 'nope'\n", "packages.yaml");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].to_string(),
            "packages.yaml:3: packages.openmpi.buildable: 'nope' is not of type 'boolean'");
}

// What a template wrote when a section variable rendered empty: Spack 0.23
// fails on the file with a TypeError, Spack 1.1 keeps a null package entry.
TEST(ScopeValidator, EmptyOrNullKeyIsRejectedAtItsLine) {
  ScopeValidator v;
  const std::string modules =
      "modules:\n  default:\n    lmod:\n      hierarchy: [mpi]\n      :\n        environment:\n"
      "          set:\n            A: b\n";
  auto issues = v.validate_text(modules, "modules.yaml");
  ASSERT_EQ(issues.size(), 1u) << all(issues);
  EXPECT_EQ(issues[0].line, 5);
  EXPECT_NE(issues[0].message.find("empty or null key"), std::string::npos) << all(issues);
  for (const std::string key : {"~", "null", "NULL"}) {
    auto found = v.validate_text("packages:\n  " + key + ":\n    buildable: false\n", "packages.yaml");
    ASSERT_FALSE(found.empty()) << key;
    EXPECT_EQ(found[0].line, 2) << key;
    EXPECT_NE(found[0].message.find("empty or null key"), std::string::npos) << all(found);
  }
  // A quoted 'null' is a name like any other.
  EXPECT_TRUE(v.validate_text("packages:\n  'null':\n    buildable: false\n", "packages.yaml").empty());
}

TEST(ScopeValidator, AnUnquotedVersionRangeIsAMapNotASpec) {
  ScopeValidator v;
  // `- python@3.11:` parses as a one-key mapping, which Spack rejects.
  auto unquoted = v.validate_text("packages:\n  python:\n    require:\n    - python@3.11:\n", "p.yaml");
  ASSERT_FALSE(unquoted.empty());
  EXPECT_EQ(unquoted.front().line, 4);
  EXPECT_TRUE(v.validate_text("packages:\n  python:\n    require:\n    - 'python@3.11:'\n", "p.yaml").empty());
}

TEST(ScopeValidator, ProvidersAndTargetOnlyUnderAll) {
  ScopeValidator v;
  auto issues = v.validate_text("packages:\n  hdf5:\n    target: [zen4]\n", "packages.yaml");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].line, 3);
  EXPECT_NE(issues[0].message.find("'target' was unexpected"), std::string::npos);
}

TEST(ScopeValidator, MirrorAccessPairIsAnObject) {
  ScopeValidator v;
  // The old list form is still read by Spack's code but rejected by its schema.
  auto issues = v.validate_text("mirrors:\n  s3:\n    url: s3://b\n    access_pair: [id, secret]\n", "mirrors.yaml");
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues.front().line, 4);
  EXPECT_TRUE(v.validate_text("mirrors:\n  spack-public:\n    binary: false\n    url: https://mirror.spack.io\n",
                              "mirrors.yaml")
                  .empty());
  auto no_url = v.validate_text("mirrors:\n  m:\n    binary: true\n", "mirrors.yaml");
  ASSERT_FALSE(no_url.empty());
  EXPECT_NE(all(no_url).find("'url' is a required property"), std::string::npos) << all(no_url);
}

TEST(ScopeValidator, ConfigAndConcretizerSections) {
  ScopeValidator v;
  EXPECT_TRUE(v.validate_text("config:\n  build_jobs: 16\n  install_tree:\n    root: /opt/spack\n    padded_length: 128\n",
                              "config.yaml")
                  .empty());
  auto jobs = v.validate_text("config:\n  build_jobs: many\n", "config.yaml");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].to_string(), "config.yaml:2: config.build_jobs: 'many' is not of type 'integer'");
  EXPECT_TRUE(v.validate_text("concretizer:\n  reuse: dependencies\n  unify: when_possible\n", "c.yaml").empty());
  auto unify = v.validate_text("concretizer:\n  unify: sometimes\n", "c.yaml");
  ASSERT_FALSE(unify.empty());
  EXPECT_EQ(unify[0].line, 2);
}

TEST(ScopeValidator, UnknownSectionIsNamed) {
  ScopeValidator v;
  auto issues = v.validate_text("pakages:\n  all: {}\n", "packages.yaml");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].line, 1);
  EXPECT_NE(issues[0].message.find("unknown configuration section"), std::string::npos);
}

TEST(ScopeValidator, ScopeMustBeADirectory) {
  ScopeValidator v;
  EXPECT_THROW(v.validate_scope("/nonexistent/scope"), spackext::InputError);
}

}  // namespace
