// Writing recipes: complete build contexts per container, containers.json
// published last, and nothing changed in OUTPUT when generation fails.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "recipe_writer.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = spackext::testing;
using namespace spackext::container;

struct Layout {
  t::TempDir defs, out;
  RecipeOptions options;
  Layout() {
    t::write_file(defs / "amd64/tool.yaml",
                  "spack:\n  specs: [tool@2.0]\nspacktainer:\n  files:\n    - files/tool/etc:/opt/etc\n");
    t::write_file(defs / "files/tool/etc/a.conf", "a\n");
    t::write_file(defs / "files/tool/etc/sub/b.conf", "b\n");
    t::write_file(defs / "arm64/other.def", "Bootstrap: docker\nFrom: org/other:3\n");
    options.images = {"spack/ubuntu-jammy:v1.1.0", "ubuntu:22.04", "apt"};
    options.target = "x86_64_v3";
  }
};

TEST(RecipeWriter, WritesACompleteContextPerContainerAndTheListLast) {
  Layout l;
  auto defs = load_definitions(l.defs.path());
  auto r = write_recipes(defs, [&](const std::string&) -> const RecipeOptions& { return l.options; }, l.defs.path(),
                         l.out.path());
  ASSERT_EQ(r.containers.size(), 2u);
  EXPECT_TRUE(fs::exists(l.out / "amd64/tool/Dockerfile"));
  EXPECT_TRUE(fs::exists(l.out / "amd64/tool/spack.yaml"));
  EXPECT_EQ(t::read_file(l.out / "amd64/tool/files/tool/etc/sub/b.conf"), "b\n");
  // A .def is its own recipe.
  EXPECT_EQ(t::read_file(l.out / "arm64/other/Singularity.def"), "Bootstrap: docker\nFrom: org/other:3\n");
  auto manifest = nlohmann::json::parse(t::read_file(l.out / "containers.json"));
  ASSERT_EQ(manifest["containers"].size(), 2u);
  EXPECT_EQ(manifest["containers"][1]["name"], "other");
  EXPECT_EQ(manifest["containers"][1]["version"], "3");
  EXPECT_EQ(manifest["containers"][0]["recipe"], "amd64/tool/Dockerfile");
  EXPECT_EQ(manifest["containers"][0]["hash"].get<std::string>().size(), 64u);
  // No staging folder is left behind.
  for (const auto& e : fs::directory_iterator(l.out.path()))
    EXPECT_NE(e.path().filename().string().rfind(".build-defs", 0), 0u) << e.path();
}

TEST(RecipeWriter, AFailureLeavesTheOutputAsItWas) {
  Layout l;
  auto defs = load_definitions(l.defs.path());
  t::write_file(l.out / "amd64/tool/Dockerfile", "previous\n");
  auto failing = [&](const std::string& arch) -> const RecipeOptions& {
    if (arch == "arm64") throw std::runtime_error("no options for arm64");
    return l.options;
  };
  EXPECT_THROW(write_recipes(defs, failing, l.defs.path(), l.out.path()), std::runtime_error);
  EXPECT_EQ(t::read_file(l.out / "amd64/tool/Dockerfile"), "previous\n");
  EXPECT_FALSE(fs::exists(l.out / "containers.json"));
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(l.out.path())) entries += e.path().filename() != "amd64";
  EXPECT_EQ(entries, 0u);
}

}  // namespace
