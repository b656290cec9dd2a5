// Package definitions: the documented neurotool.yaml as is, and each class of
// error with its file:line[:column] and key.
#include <gtest/gtest.h>

#include "package_definition.hpp"
#include "spackext_testing/testing.hpp"

namespace {

using spackext::package::IssueClass;
using spackext::package::load_definition_text;
using spackext::package::load_definitions;

TEST(PackageDefinition, DocumentedNeurotoolLoadsAsWritten) {
  auto file = spackext::testing::source_dir() / "templates/packages/neuroscience/neurotool.yaml";
  auto r = load_definitions({file});
  ASSERT_TRUE(r.ok()) << r.issues.front().to_string();
  const auto& d = r.definitions.at(0);
  EXPECT_EQ(d.name, "neurotool");
  EXPECT_EQ(d.family, "neuroscience");
  EXPECT_EQ(d.version, "3.2.1");
  ASSERT_EQ(d.dependencies.size(), 4u);
  // `- python@3.11:` is a one-key mapping in YAML; it is the spec the user meant.
  EXPECT_EQ(d.dependencies[0].text, "python@3.11:");
  EXPECT_EQ(d.dependencies[0].spec.versions_string(), "3.11:");
  EXPECT_EQ(d.dependencies[0].line, 9);
  EXPECT_EQ(d.dependencies[3].spec.variant("mpi")->value, "true");
  ASSERT_NE(d.profile("optimized"), nullptr);
  EXPECT_EQ(d.profile("optimized")->variant_spec.to_string(), "+optimization+avx512");
  EXPECT_EQ(d.profile("optimized")->flags.at("cflags"), "-O3 -march=native");
  ASSERT_EQ(d.compatibility.size(), 2u);
  EXPECT_EQ(d.compatibility[0].range.to_spack(), "3.9:3.12");
  EXPECT_EQ(d.compatibility[1].range.to_spack(), "1.20:");
}

TEST(PackageDefinition, MalformedSpecNamesLineAndColumn) {
  auto r = load_definition_text("name: t\nfamily: f\nversion: '1'\ndependencies:\n  - hdf5 +mpi $x\n  - \"zlib@\"\n",
                                "t.yaml");
  ASSERT_EQ(r.issues.size(), 2u);
  EXPECT_EQ(r.issue_class, IssueClass::Content);
  EXPECT_EQ(r.issues[0].to_string(),
            "t.yaml:5:15: dependencies[0]: invalid spec 'hdf5 +mpi $x' at column 11: unexpected character '$'");
  EXPECT_EQ(r.issues[1].line, 6);
  EXPECT_EQ(r.issues[1].column, 10);  // inside the quotes
}

TEST(PackageDefinition, SchemaErrorsAreAllListedWithKeys) {
  auto r = load_definition_text("name: Bad_Name\nversion: 1.0\nfamly: x\nprofiles:\n  fast:\n    cflag: -O3\n", "s.yaml");
  EXPECT_EQ(r.issue_class, IssueClass::Schema);
  std::vector<std::string> got;
  for (const auto& i : r.issues) got.push_back(i.to_string());
  auto has = [&](const std::string& s) {
    return std::find(got.begin(), got.end(), s) != got.end();
  };
  EXPECT_TRUE(has("s.yaml:1: (top level): 'family' is required")) << ::testing::PrintToString(got);
  EXPECT_TRUE(has("s.yaml:3: (top level): unknown key 'famly'")) << ::testing::PrintToString(got);
  EXPECT_TRUE(has("s.yaml:1: name: \"Bad_Name\": expected lowercase letters, digits and '-' (a Spack package name)"))
      << ::testing::PrintToString(got);
  EXPECT_TRUE(has("s.yaml:6: profiles.fast: unknown key 'cflag'")) << ::testing::PrintToString(got);
}

TEST(PackageDefinition, YamlSyntaxErrorStopsBeforeTheSchema) {
  auto r = load_definition_text("name: t\ndependencies: [a, b\n", "y.yaml");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issue_class, IssueClass::Syntax);
  EXPECT_EQ(r.issues[0].file, "y.yaml");
  EXPECT_GE(r.issues[0].line, 2);
}

TEST(PackageDefinition, VersionKeepsItsText) {
  auto r = load_definition_text("name: t\nfamily: f\nversion: 2.10\n", "v.yaml");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.definitions[0].version, "2.10");
}

TEST(PackageDefinition, ProfilesAndRangesAreChecked) {
  auto r = load_definition_text(
      "name: t\nfamily: f\nversion: '1'\nprofiles:\n  a:\n    variants: hdf5+mpi\n  b:\n    variants: +x +x\n"
      "compatibility:\n  python: '>3.9'\n  numpy: '>=2,<1.5'\n",
      "p.yaml");
  ASSERT_EQ(r.issues.size(), 4u);
  EXPECT_EQ(r.issues[0].key, "profiles.a.variants");
  EXPECT_EQ(r.issues[1].key, "profiles.b.variants");
  EXPECT_NE(r.issues[1].message.find("more than once"), std::string::npos);
  EXPECT_EQ(r.issues[2].key, "compatibility.python");
  EXPECT_NE(r.issues[2].message.find("inclusive"), std::string::npos);
  EXPECT_EQ(r.issues[3].key, "compatibility.numpy");
  EXPECT_EQ(r.issues[3].line, 11);
}

TEST(PackageDefinition, FirstClassOfErrorsAcrossFiles) {
  spackext::testing::TempDir tmp;
  spackext::testing::write_file(tmp / "a.yaml", "name: a\nfamily: f\nversion: '1'\ndependencies: ['b@']\n");
  spackext::testing::write_file(tmp / "b.yaml", "name: b\nfamily: f\n");
  spackext::testing::write_file(tmp / "c.yaml", "name: c\nfamily: f\nversion: '1'\nextra: 1\n");
  auto r = load_definitions({tmp / "a.yaml", tmp / "b.yaml", tmp / "c.yaml", tmp / "missing.yaml"});
  ASSERT_EQ(r.issues.size(), 1u);  // a missing file comes first
  EXPECT_EQ(r.issues[0].message, "no such file");
  r = load_definitions({tmp / "a.yaml", tmp / "b.yaml", tmp / "c.yaml"});
  EXPECT_EQ(r.issue_class, IssueClass::Schema);
  ASSERT_EQ(r.issues.size(), 2u);  // b and c; a's spec error is a later class
  EXPECT_NE(r.issues[0].file.find("b.yaml"), std::string::npos);
  EXPECT_NE(r.issues[1].file.find("c.yaml"), std::string::npos);
}

}  // namespace
