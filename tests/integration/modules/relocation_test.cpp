// Relocatable modules (--prefix-variable): after moving both the software
// tree and the module tree, loading with the variable set to the moved
// software points every path at the copy; unset, the generation-time root
// is used.
#include <gtest/gtest.h>

#include <spackext_testing/testing.hpp>

#include "generated_tree.hpp"
#include "module_shells.hpp"

namespace {

namespace fs = std::filesystem;
namespace st = spackext::testing;
namespace sm = spackext::testing::modules;

constexpr const char* kHello = "linux-x86_64_v4/peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl";

class Relocation : public ::testing::Test {
 protected:
  void SetUp() override {
    SPACKEXT_REQUIRE_FIXTURE(modules, "fixtures/spack/modules");
    shared_ = modules.parent_path().parent_path().parent_path();  // <shared>/fixtures/spack/modules
    fs::create_directories(dir_ / "site");
    install_root_ = sm::install_fixture_packages(shared_, dir_ / "site");
  }

  void generate(const std::string& system) {
    spackext::modules::GenerateOptions options;
    options.source = (shared_ / "fixtures/spack/env/spack.lock").string();
    options.root = dir_ / "site/modules" / system;
    options.system = system;
    options.config = shared_ / "fixtures/spack/modules/modules.yaml";
    options.install_root = install_root_.string();
    options.prefix_variable = "SITE_ROOT";
    sm::make_generator().run(options);
  }

  // Moves the whole site (software and modules) elsewhere.
  fs::path move_site() {
    fs::rename(dir_ / "site", dir_ / "moved");
    return dir_ / "moved";
  }

  fs::path moved_install_root() const {
    return dir_ / "moved" / fs::relative(install_root_, dir_ / "site");
  }

  st::TempDir dir_{"spackext-modules-reloc"};
  fs::path shared_, install_root_;
};

TEST_F(Relocation, LmodTreeAndSoftwareMoveTogether) {
  if (!sm::lmod_init()) GTEST_SKIP() << "Lmod is not installed (scripts/deps/modules.txt; scripts/install-deps.sh)";
  generate("lmod");
  auto moved = move_site();
  const std::string core = (moved / "modules/lmod/linux-debian12-x86_64/Core").string();
  const std::string new_root = moved_install_root().string();
  auto r = sm::lmod_shell(core, "module load peermpi/1.0 peerhello/1.0", {{"SITE_ROOT", new_root}});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.env.at("PEERHELLO_ROOT"), new_root + "/" + kHello);
  EXPECT_NE(r.env.at("PATH").find(new_root + "/" + kHello + "/bin"), std::string::npos);
  // The MPI's branch was found relative to the moved module file.
  EXPECT_NE(r.env.at("MODULEPATH").find((moved / "modules/lmod/linux-debian12-x86_64/peermpi/1.0-52khzyk/Core").string()),
            std::string::npos)
      << r.env.at("MODULEPATH");
  EXPECT_EQ(r.env.at("PATH").find(install_root_.string()), std::string::npos) << r.env.at("PATH");
}

TEST_F(Relocation, LmodFallsBackToTheGenerationRoot) {
  if (!sm::lmod_init()) GTEST_SKIP() << "Lmod is not installed (scripts/deps/modules.txt; scripts/install-deps.sh)";
  generate("lmod");
  const std::string core = (dir_ / "site/modules/lmod/linux-debian12-x86_64/Core").string();
  auto r = sm::lmod_shell(core, "unset SITE_ROOT; module load peermpi/1.0 peerhello/1.0");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.env.at("PEERHELLO_ROOT"), install_root_.string() + "/" + kHello);
}

TEST_F(Relocation, TclInEnvironmentModules) {
  if (!sm::envmod_command())
    GTEST_SKIP() << "Environment Modules not extracted (run tests/services/environment-modules/install.sh)";
  generate("tcl");
  auto moved = move_site();
  const std::string new_root = moved_install_root().string();
  const std::string paths = (moved / "modules/tcl/linux-debian12-x86_64").string() + ":" +
                            (moved / "modules/tcl/linux-debian12-x86_64_v4").string();
  auto r = sm::envmod_shell(paths, "module load peerhello/1.0-5hn2-5hn2gvd", {{"SITE_ROOT", new_root}});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.env.at("PATH").find(new_root + "/" + kHello + "/bin"), std::string::npos) << r.env.at("PATH");
  EXPECT_NE(r.env.at("CMAKE_PREFIX_PATH").find(new_root + "/linux-x86_64_v4/peerlib-1.0-"), std::string::npos)
      << r.env.at("CMAKE_PREFIX_PATH");
  EXPECT_EQ(r.env.at("PATH").find(install_root_.string()), std::string::npos);
}

}  // namespace
