// The modules Spack 1.1 wrote (shared/fixtures/spack/modules, from the
// lockfile in shared/fixtures/spack/env and modules/modules.yaml) are the
// expectation: our generator, given the same lockfile, config and install
// root, must write the same files at the same paths, and loading them in the
// real Lmod and Environment Modules must give the same environment.
#include <gtest/gtest.h>

#include <set>

#include <yaml-cpp/yaml.h>

#include <spackext_testing/testing.hpp>

#include "generated_tree.hpp"
#include "module_shells.hpp"

namespace {

namespace fs = std::filesystem;
namespace st = spackext::testing;
namespace sm = spackext::testing::modules;

constexpr const char* kPeerInstallRoot = "/opt/spack-peer/spack/opt/spack";
constexpr const char* kPeerModuleRoot = "/opt/spack-peer/fixtures/modules";

std::set<std::string> files_below(const fs::path& root) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file() && e.path().filename() != "module-index.yaml")
      out.insert(fs::relative(e.path(), root).string());
  return out;
}

std::map<std::string, std::string> use_names(const fs::path& index) {
  std::map<std::string, std::string> out;
  for (const auto& kv : YAML::LoadFile(index.string())["module_index"])
    out[kv.first.Scalar()] = kv.second["use_name"].Scalar();
  return out;
}

class FixtureModules : public ::testing::Test {
 protected:
  void SetUp() override {
    SPACKEXT_REQUIRE_FIXTURE(modules, "fixtures/spack/modules");
    shared_ = modules.parent_path().parent_path().parent_path();  // <shared>/fixtures/spack/modules
    fixture_ = shared_ / "fixtures/spack/modules";
    install_root_ = sm::install_fixture_packages(shared_, dir_.path());
  }

  // Generates `system` modules into <tmp>/ours/<system>; copies the fixture
  // tree to <tmp>/expected/<system> with the peer's paths replaced by ours.
  void generate(const std::string& system) {
    spackext::modules::GenerateOptions options;
    options.source = (shared_ / "fixtures/spack/env/spack.lock").string();
    options.root = dir_ / ("ours/" + system);
    options.system = system;
    options.config = fixture_ / "modules.yaml";
    options.install_root = install_root_.string();
    auto result = sm::make_generator().run(options);
    EXPECT_TRUE(result.missing_prefixes.empty() || system == "lmod") << result.to_json().dump();
    sm::copy_replacing(fixture_ / system, dir_ / ("expected/" + system),
                       {{std::string(kPeerModuleRoot) + "/" + system, (dir_ / ("expected/" + system)).string()},
                        {kPeerInstallRoot, install_root_.string()}});
  }

  fs::path ours(const std::string& system) const { return dir_ / ("ours/" + system); }
  fs::path expected(const std::string& system) const { return dir_ / ("expected/" + system); }

  std::vector<std::pair<std::string, std::string>> normalize(const std::string& system) const {
    return {{ours(system).string(), "<module-root>"}, {expected(system).string(), "<module-root>"}};
  }

  st::TempDir dir_{"spackext-modules"};
  fs::path shared_, fixture_, install_root_;
};

TEST_F(FixtureModules, LmodFilesAtSpacksPaths) {
  generate("lmod");
  EXPECT_EQ(files_below(ours("lmod")), files_below(fixture_ / "lmod"));
  EXPECT_EQ(use_names(ours("lmod") / "module-index.yaml"), use_names(fixture_ / "lmod/module-index.yaml"));
}

TEST_F(FixtureModules, TclFilesAtSpacksPaths) {
  generate("tcl");
  EXPECT_EQ(files_below(ours("tcl")), files_below(fixture_ / "tcl"));
  EXPECT_EQ(use_names(ours("tcl") / "module-index.yaml"), use_names(fixture_ / "tcl/module-index.yaml"));
}

// Every module, loaded on its own (after the MPI that unlocks it), gives
// the environment Spack's file gives.
TEST_F(FixtureModules, LmodEnvironmentMatchesSpacks) {
  if (!sm::lmod_init()) GTEST_SKIP() << "Lmod is not installed (scripts/deps/modules.txt; scripts/install-deps.sh)";
  generate("lmod");
  const std::vector<std::string> loads = {"gcc/12.2.0", "glibc/2.36", "peermpi/1.0", "peermpi/1.0 peerlib/1.0",
                                          "peermpi/1.0 peerhello/1.0", "gcc glibc peermpi peerlib peerhello"};
  for (const auto& load : loads) {
    SCOPED_TRACE("module load " + load);
    // Each tree against its own starting environment (MODULEPATH differs).
    const std::string my_core = (ours("lmod") / "linux-debian12-x86_64/Core").string();
    const std::string spack_core = (expected("lmod") / "linux-debian12-x86_64/Core").string();
    auto mine = sm::lmod_shell(my_core, "module load " + load);
    auto spacks = sm::lmod_shell(spack_core, "module load " + load);
    ASSERT_EQ(mine.exit_code, 0) << mine.out;
    ASSERT_EQ(spacks.exit_code, 0) << spacks.out;
    auto a = sm::changes(sm::lmod_shell(my_core, "true").env, mine.env, normalize("lmod"));
    auto b = sm::changes(sm::lmod_shell(spack_core, "true").env, spacks.env, normalize("lmod"));
    EXPECT_EQ(a, b);
    EXPECT_FALSE(a.empty());
  }
}

// Walking the hierarchy: peerhello is only visible once its MPI is loaded.
TEST_F(FixtureModules, LmodHierarchyUnlocksWithTheMpi) {
  if (!sm::lmod_init()) GTEST_SKIP() << "Lmod is not installed (scripts/deps/modules.txt; scripts/install-deps.sh)";
  generate("lmod");
  const std::string core = (ours("lmod") / "linux-debian12-x86_64/Core").string();
  auto before = sm::lmod_shell(core, "module -t avail 2>&1");
  auto after = sm::lmod_shell(core, "module load gcc/12.2.0 peermpi/1.0 && module -t avail 2>&1");
  EXPECT_EQ(before.exit_code, 0) << before.out;
  EXPECT_NE(before.out.find("peermpi/1.0"), std::string::npos) << before.out;
  EXPECT_EQ(before.out.find("peerhello"), std::string::npos) << before.out;
  EXPECT_NE(after.out.find("peerhello/1.0"), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("peerlib/1.0"), std::string::npos) << after.out;
  EXPECT_EQ(after.env.at("LMOD_MPI_NAME"), "peermpi");
}

TEST_F(FixtureModules, TclEnvironmentMatchesSpacksInEnvironmentModules) {
  if (!sm::envmod_command())
    GTEST_SKIP() << "Environment Modules not extracted (run tests/services/environment-modules/install.sh)";
  generate("tcl");
  auto paths = [](const fs::path& root) {
    return (root / "linux-debian12-x86_64").string() + ":" + (root / "linux-debian12-x86_64_v4").string();
  };
  auto names = use_names(fixture_ / "tcl/module-index.yaml");
  std::string all;
  for (const auto& [hash, name] : names) all += " " + name;
  std::vector<std::string> loads;
  for (const auto& [hash, name] : names) loads.push_back(name);
  loads.push_back(all);
  for (const auto& load : loads) {
    SCOPED_TRACE("module load " + load);
    auto mine = sm::envmod_shell(paths(ours("tcl")), "module load " + load);
    auto spacks = sm::envmod_shell(paths(expected("tcl")), "module load " + load);
    ASSERT_EQ(mine.exit_code, 0) << mine.out;
    ASSERT_EQ(spacks.exit_code, 0) << spacks.out;
    EXPECT_EQ(sm::changes(sm::envmod_shell(paths(ours("tcl")), "true").env, mine.env, normalize("tcl")),
              sm::changes(sm::envmod_shell(paths(expected("tcl")), "true").env, spacks.env, normalize("tcl")));
  }
}

// Lmod reads Tcl module files too.
TEST_F(FixtureModules, TclEnvironmentMatchesSpacksInLmod) {
  if (!sm::lmod_init()) GTEST_SKIP() << "Lmod is not installed (scripts/deps/modules.txt; scripts/install-deps.sh)";
  generate("tcl");
  auto paths = [](const fs::path& root) {
    return (root / "linux-debian12-x86_64").string() + ":" + (root / "linux-debian12-x86_64_v4").string();
  };
  const std::string load = "peerhello/1.0-5hn2-5hn2gvd";
  auto mine = sm::lmod_shell(paths(ours("tcl")), "module load " + load);
  auto spacks = sm::lmod_shell(paths(expected("tcl")), "module load " + load);
  ASSERT_EQ(mine.exit_code, 0) << mine.out;
  EXPECT_EQ(sm::changes(sm::lmod_shell(paths(ours("tcl")), "true").env, mine.env, normalize("tcl")),
            sm::changes(sm::lmod_shell(paths(expected("tcl")), "true").env, spacks.env, normalize("tcl")));
}

}  // namespace
