// The Spack 1.x repository env-create --repo writes.
#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include "package_definition.hpp"
#include "spack_repo_writer.hpp"
#include "spackext_testing/testing.hpp"

namespace {

using namespace spackext::package;
using spackext::testing::read_file;

TEST(SpackRepoWriter, Names) {
  EXPECT_EQ(package_class_name("my-neuroscience-tool"), "MyNeuroscienceTool");
  EXPECT_EQ(package_class_name("py-numpy"), "PyNumpy");
  EXPECT_EQ(package_class_name("7zip"), "_7zip");
  EXPECT_EQ(repo_namespace_for("neuro-tools"), "neuro_tools");
}

TEST(SpackRepoWriter, LayoutAndPackagePy) {
  auto r = load_definitions({spackext::testing::source_dir() / "templates/packages/neuroscience/neurotool.yaml",
                             spackext::testing::source_dir() / "templates/packages/neuroscience/spike-sorter.yaml"});
  ASSERT_TRUE(r.ok());
  spackext::testing::TempDir tmp;
  auto dir = write_spack_repo(tmp.path(), "neuroscience", r.definitions);
  EXPECT_EQ(dir, tmp / "spack_repo/neuroscience");
  auto repo = YAML::LoadFile((dir / "repo.yaml").string());
  EXPECT_EQ(repo["repo"]["namespace"].as<std::string>(), "neuroscience");
  EXPECT_EQ(repo["repo"]["api"].as<std::string>(), "v2.0");
  const std::string py = read_file(dir / "packages/neurotool/package.py");
  EXPECT_NE(py.find("class Neurotool(BundlePackage):"), std::string::npos);
  EXPECT_NE(py.find("    version(\"3.2.1\")\n"), std::string::npos);
  EXPECT_NE(py.find("    variant(\"optimization\", default=False"), std::string::npos);
  EXPECT_NE(py.find("    variant(\"avx512\", default=False"), std::string::npos);
  EXPECT_NE(py.find("    depends_on(\"python@3.11:\")\n"), std::string::npos);
  EXPECT_NE(py.find("    depends_on(\"hdf5+mpi\")\n"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir / "packages/spike_sorter/package.py"));
  // Writing again replaces the repository as a whole and leaves nothing beside it.
  write_spack_repo(tmp.path(), "neuroscience", {r.definitions[0]});
  EXPECT_FALSE(std::filesystem::exists(dir / "packages/spike_sorter"));
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(tmp / "spack_repo")) ++entries;
  EXPECT_EQ(entries, 1u);
}

}  // namespace
