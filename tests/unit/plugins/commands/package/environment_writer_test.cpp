// env-create's spack.yaml for the shipped neuroscience family: profile
// variants and flags on the specs, per-compiler flags, intersected ranges,
// the target; conflicting ranges name both packages.
#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include "environment_writer.hpp"
#include "package_definition.hpp"
#include "spackext_testing/testing.hpp"

namespace {

using namespace spackext::package;

std::vector<PackageDefinition> family() {
  auto dir = spackext::testing::source_dir() / "templates/packages/neuroscience";
  auto r = load_definitions({dir / "neurotool.yaml", dir / "spike-sorter.yaml", dir / "connectome-viewer.yaml"});
  EXPECT_TRUE(r.ok());
  return r.definitions;
}

PackageDefinition one(const std::string& yaml, const std::string& name) {
  auto r = load_definition_text(yaml, name);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.issues[0].to_string());
  return r.definitions.at(0);
}

TEST(EnvironmentWriter, FamilyWithProfileAndTarget) {
  EnvironmentRequest req{"neuroscience", "optimized", "zen4", std::nullopt, ""};
  auto env = build_environment(family(), req);
  YAML::Node y = YAML::Load(env.yaml);
  auto specs = y["spack"]["specs"];
  ASSERT_TRUE(specs.IsSequence());
  EXPECT_EQ(specs[0].as<std::string>(), "neurotool@3.2.1+optimization+avx512 cflags='-O3 -march=native'");
  EXPECT_EQ(specs[1].as<std::string>(), "spike-sorter@1.4+openmp cflags=-O3");
  EXPECT_EQ(specs[2].as<std::string>(), "connectome-viewer@0.9.2+offscreen cflags=-O2");
  // Dependencies follow, once each, as written.
  std::vector<std::string> all;
  for (const auto& s : specs) all.push_back(s.as<std::string>());
  EXPECT_EQ(std::count(all.begin(), all.end(), "hdf5+mpi"), 1);
  EXPECT_EQ(std::count(all.begin(), all.end(), "python@3.11:"), 1);
  EXPECT_EQ(y["spack"]["packages"]["all"]["require"][0].as<std::string>(), "target=zen4");
  // python: >=3.9,<3.13 (neurotool, viewer), >=3.10 (sorter), @3.11: (neurotool's dependency)
  EXPECT_EQ(y["spack"]["packages"]["python"]["require"][0].as<std::string>(), "@3.11:3.12");
  // numpy means py-numpy for packages that depend on py-numpy.
  EXPECT_EQ(y["spack"]["packages"]["py-numpy"]["require"][0].as<std::string>(), "@1.24:1");
  auto gcc = y["spack"]["packages"]["spike-sorter"]["require"];
  ASSERT_EQ(gcc.size(), 2u);
  EXPECT_EQ(gcc[0]["spec"].as<std::string>(), "cflags='-O3 -ftree-vectorize'");
  EXPECT_EQ(gcc[0]["when"].as<std::string>(), "%gcc");
  EXPECT_EQ(gcc[1]["when"].as<std::string>(), "%intel-oneapi-compilers");
  EXPECT_TRUE(env.warnings.empty());
}

TEST(EnvironmentWriter, MissingProfileWarnsOrFails) {
  EnvironmentRequest req{"neuroscience", "quick", "", std::nullopt, ""};
  auto env = build_environment(family(), req);
  EXPECT_EQ(env.warnings.size(), 2u);  // only neurotool has `quick`
  req.profile = "nonexistent";
  EXPECT_THROW(build_environment(family(), req), spackext::InputError);
}

TEST(EnvironmentWriter, ConflictingRangesNameBothPackages) {
  auto a = one("name: a\nfamily: f\nversion: '1'\ncompatibility:\n  python: '>=3.9,<3.13'\n", "a.yaml");
  auto b = one("name: b\nfamily: f\nversion: '1'\ncompatibility:\n  python: '>=3.10'\n", "b.yaml");
  auto c = one("name: c\nfamily: f\nversion: '1'\ncompatibility:\n  python: '>=3.13'\n", "c.yaml");
  EnvironmentRequest req{"f", "", "", std::nullopt, ""};
  try {
    build_environment({a, b, c}, req);
    FAIL() << "no conflict reported";
  } catch (const spackext::InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "c (c.yaml:5): conflicting version ranges for 'python': c (c.yaml:5) wants '>=3.13' but a (a.yaml:5) "
              "wants '>=3.9,<3.13'");
  }
}

TEST(EnvironmentWriter, ConflictingVariantsOnOneDependency) {
  auto a = one("name: a\nfamily: f\nversion: '1'\ndependencies: ['hdf5+mpi']\n", "a.yaml");
  auto b = one("name: b\nfamily: f\nversion: '1'\ndependencies: ['hdf5~mpi']\n", "b.yaml");
  EnvironmentRequest req{"f", "", "", std::nullopt, ""};
  EXPECT_THROW(build_environment({a, b}, req), spackext::InputError);
}

TEST(EnvironmentWriter, EmptyFamilyIsAnError) {
  EnvironmentRequest req{"nobody", "", "", std::nullopt, ""};
  EXPECT_THROW(build_environment({}, req), spackext::InputError);
}

}  // namespace
