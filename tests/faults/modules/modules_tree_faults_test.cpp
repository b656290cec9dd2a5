// kill -9 in `modules refresh` right before each of its renames and unlinks
// (the kill hook), then a rerun; and concurrent refreshes of one root. The
// root must hold the old tree or the new one, complete, never some modules
// of each; nothing a killed run left may stay beside it.
#include <gtest/gtest.h>

#include "output_tree.hpp"
#include "synthetic_stack.hpp"

namespace spackext::faults {
namespace {

namespace st = spackext::testing;
namespace sm = spackext::testing::modules;

class ModulesTreeFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    // Old: 2 MPIs x 1 app; new: one MPI gone (its modules removed), two apps
    // (modules added), so a refresh writes, keeps and removes.
    sm::StackShape old_shape, new_shape;
    new_shape.mpis = {{"openmpi", "4.1.6"}};
    new_shape.packages = 2;
    for (auto [name, shape] : {std::pair{"old.lock", old_shape}, std::pair{"new.lock", new_shape}}) {
      auto lock = sm::synthetic_lockfile(shape);
      st::write_file(work / name, lock.dump());
      sm::create_prefixes(lock, work / "opt/spack");
    }
    st::write_file(work / "modules.yaml", "modules:\n  default:\n    lmod:\n      core_compilers: ['gcc@12.2.0']\n");
    ASSERT_EQ(run(refresh("old.lock"), home.path()).exit_code, 0);
    old_tree = tree_of(root);
    fs::rename(root, work / "pristine-old");
    ASSERT_EQ(run(refresh("new.lock"), home.path()).exit_code, 0);
    new_tree = tree_of(root);
    ASSERT_NE(old_tree, new_tree);
  }
  std::vector<std::string> refresh(const std::string& lock) const {
    return {"modules", "refresh", "--from", (work / lock).string(), "--root", root.string(), "--config",
            (work / "modules.yaml").string(), "--install-root", (work / "opt/spack").string()};
  }
  std::vector<std::string> leftovers() const { return entries_starting(work, ".lmod."); }

  st::TempDir home{"spackext-faults-modules"};
  const fs::path work = home / "work";
  const fs::path root = work / "lmod";
  Tree old_tree, new_tree;
};

TEST_F(ModulesTreeFaults, RefreshKilledBeforeEachRenameAndUnlink) {
  kill_before_each_moment(
      refresh("new.lock"), home.path(), work, [&] { reset_to(work / "pristine-old", root); },
      [&](const std::string& trial) {
        const auto after_kill = tree_of(root);
        EXPECT_TRUE(after_kill == old_tree || after_kill == new_tree) << trial << ": a mix of the old and new trees";
      },
      [&](const std::string& trial) {
        EXPECT_EQ(tree_of(root), new_tree) << trial;
        EXPECT_EQ(leftovers(), std::vector<std::string>{}) << trial;
      });
}

TEST_F(ModulesTreeFaults, ConcurrentRefreshesLeaveOneCompleteTree) {
  for (int round = 0; round < trials(2); ++round) {
    reset_to(work / "pristine-old", root);
    // The same input twice: both succeed, the new tree.
    for (const auto& r : run_concurrently({refresh("new.lock"), refresh("new.lock")}, home.path()))
      EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(tree_of(root), new_tree);
    // Different inputs: whichever ran last, complete.
    for (const auto& r : run_concurrently({refresh("old.lock"), refresh("new.lock")}, home.path()))
      EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto now = tree_of(root);
    EXPECT_TRUE(now == old_tree || now == new_tree) << "a mix of the old and new trees";
    EXPECT_EQ(leftovers(), std::vector<std::string>{});
  }
}

}  // namespace
}  // namespace spackext::faults
