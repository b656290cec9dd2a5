// A Core -> Compiler -> MPI hierarchy (`hierarchy: [compiler, mpi]`) walked
// and swapped with the real Lmod: loading a compiler shows its MPIs, loading
// an MPI shows the applications built on it, and swapping a compiler or an
// MPI reloads the dependents from the new branch.
#include <gtest/gtest.h>

#include <spackext_testing/testing.hpp>

#include "generated_tree.hpp"
#include "module_shells.hpp"
#include "synthetic_stack.hpp"

namespace {

namespace fs = std::filesystem;
namespace st = spackext::testing;
namespace sm = spackext::testing::modules;

class LmodHierarchy : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!sm::lmod_init()) GTEST_SKIP() << "Lmod is not installed (scripts/deps/modules.txt; scripts/install-deps.sh)";
    auto lock = sm::synthetic_lockfile({});
    st::write_file(dir_ / "spack.lock", lock.dump());
    install_root_ = dir_ / "opt/spack";
    sm::create_prefixes(lock, install_root_);
  }

  void generate(const std::string& modules_yaml, const std::string& prefix_variable = "") {
    st::write_file(dir_ / "modules.yaml", modules_yaml);
    spackext::modules::GenerateOptions options;
    options.source = (dir_ / "spack.lock").string();
    options.root = dir_ / "lmod";
    options.config = dir_ / "modules.yaml";
    options.install_root = install_root_.string();
    options.prefix_variable = prefix_variable;
    sm::make_generator().run(options);
  }

  std::string core() const { return (dir_ / "lmod/linux-debian12-x86_64/Core").string(); }

  st::TempDir dir_{"spackext-lmod-hierarchy"};
  fs::path install_root_;
};

// `module -t avail` lists one name per line; with `hierarchy: [compiler,
// mpi]` Spack nests MPI branches inside the compiler's folder, so Lmod also
// lists them as longer names (openmpi/4.1.6-abcdefg/app0/1.0): look for
// whole lines.
bool lists(const std::string& avail, const std::string& name) {
  return ("\n" + avail).find("\n" + name + "\n") != std::string::npos;
}

constexpr const char* kCompilerMpi =
    "modules:\n  default:\n    lmod:\n      core_compilers: ['gcc@12.2.0']\n      hierarchy: [compiler, mpi]\n"
    "      hash_length: 0\n      all:\n        environment:\n          set:\n            '{name}_ROOT': '{prefix}'\n";

TEST_F(LmodHierarchy, CompilerThenMpiUnlockTheirBranches) {
  generate(kCompilerMpi);
  EXPECT_TRUE(fs::exists(dir_ / "lmod/linux-debian12-x86_64/Core/gcc/13.2.0.lua"));
  EXPECT_TRUE(fs::exists(dir_ / "lmod/linux-debian12-x86_64/gcc/13.2.0/zlib/1.3.1.lua"));
  auto before = sm::lmod_shell(core(), "module -t avail 2>&1");
  EXPECT_FALSE(lists(before.out, "openmpi/4.1.6")) << before.out;
  EXPECT_TRUE(lists(before.out, "gcc/13.2.0")) << before.out;
  auto compiler = sm::lmod_shell(core(), "module load gcc/13.2.0 && module -t avail 2>&1");
  ASSERT_EQ(compiler.exit_code, 0) << compiler.out;
  EXPECT_TRUE(lists(compiler.out, "openmpi/4.1.6")) << compiler.out;
  EXPECT_TRUE(lists(compiler.out, "mpich/4.2.0")) << compiler.out;
  EXPECT_FALSE(lists(compiler.out, "app0/1.0")) << compiler.out;
  auto mpi = sm::lmod_shell(core(), "module load gcc/13.2.0 openmpi/4.1.6 && module -t avail 2>&1");
  ASSERT_EQ(mpi.exit_code, 0) << mpi.out;
  EXPECT_TRUE(lists(mpi.out, "app0/1.0")) << mpi.out;
}

TEST_F(LmodHierarchy, SwappingCompilerAndMpiReloadsDependents) {
  generate(kCompilerMpi);
  auto r = sm::lmod_shell(core(),
                          "module load gcc/13.2.0 openmpi/4.1.6 app0/1.0 || exit 3\n"
                          "echo \"gcc: $APP0_ROOT\"\n"
                          "module swap gcc/13.2.0 llvm/17.0.6 || exit 4\n"
                          "echo \"llvm: $APP0_ROOT\"\n"
                          "module swap openmpi/4.1.6 mpich/4.2.0 || exit 5\n"
                          "echo \"mpich: $APP0_ROOT\"\n");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto line = [&](const std::string& tag) {
    auto at = r.out.find(tag + ": ");
    return at == std::string::npos ? std::string() : r.out.substr(at, r.out.find('\n', at) - at);
  };
  EXPECT_NE(line("gcc").find("app0-1.0-"), std::string::npos) << r.out;
  // Each reload lands on a different build of app0 (another prefix).
  EXPECT_NE(line("gcc").substr(5), line("llvm").substr(6)) << r.out;
  EXPECT_NE(line("llvm").substr(6), line("mpich").substr(7)) << r.out;
  EXPECT_FALSE(line("mpich").empty()) << r.out;
  EXPECT_NE(r.env.at("LOADEDMODULES").find("llvm/17.0.6"), std::string::npos);
  EXPECT_NE(r.env.at("LOADEDMODULES").find("mpich/4.2.0"), std::string::npos);
  EXPECT_NE(r.env.at("LOADEDMODULES").find("app0/1.0"), std::string::npos);
  EXPECT_EQ(r.env.at("LMOD_MPI_NAME"), "mpich");
}

// hierarchy: [mpi] (Spack's default): one branch per MPI, compilers in Core.
TEST_F(LmodHierarchy, MpiOnlyHierarchySwapsMpi) {
  generate(
      "modules:\n  default:\n    lmod:\n      core_compilers: ['gcc@12.2.0', 'gcc@13', 'llvm@17']\n"
      "      hierarchy: [mpi]\n      hash_length: 0\n      projections:\n        all: '{name}/{version}-{compiler.name}'\n"
      "      all:\n        environment:\n          set:\n            '{name}_ROOT': '{prefix}'\n");
  auto r = sm::lmod_shell(core(),
                          "module load openmpi/4.1.6-gcc app0/1.0-gcc || exit 3\n"
                          "echo \"before: $APP0_ROOT\"\n"
                          "module swap openmpi/4.1.6-gcc mpich/4.2.0-gcc || exit 4\n"
                          "echo \"after: $APP0_ROOT\"\n");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.env.at("LOADEDMODULES").find("mpich/4.2.0-gcc"), std::string::npos) << r.out;
  EXPECT_NE(r.env.at("LOADEDMODULES").find("app0/1.0-gcc"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("before: "), r.out.find("after: "));
}

}  // namespace
