// kill -9 in `ci generate --output` right before each of its renames and
// unlinks (the kill hook), then a rerun; and concurrent runs into one
// folder. A GitLab parent pipeline names its child files, so the set must
// be the old one or the new one: a run killed among its renames leaves a
// journal, and the next run into the folder finishes those renames first.
#include <gtest/gtest.h>

#include "output_tree.hpp"
#include "spackext_testing/sample_deployment.hpp"

namespace spackext::faults {
namespace {

namespace st = spackext::testing;

class CiOutputFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(repo);
    st::write_sample_deployment(repo);
    ASSERT_EQ(run(generate(false), home.path()).exit_code, 0);
    old_tree = pipeline();
    fs::copy(repo, work / "pristine-old", fs::copy_options::recursive);
    ASSERT_EQ(run(generate(true), home.path()).exit_code, 0);
    new_tree = pipeline();
    ASSERT_GT(new_tree.size(), old_tree.size());  // more child files
    ASSERT_GT(old_tree.size(), 2u);               // a parent and children
  }
  // Old: two stages; new: every stage (more jobs, more child files).
  std::vector<std::string> generate(bool all_stages) const {
    std::vector<std::string> args{"ci", "generate", "--config", (repo / "deploy.yaml").string(), "--backend", "gitlab",
                                  "--split", "2", "--output", (repo / ".gitlab-ci.yml").string()};
    if (!all_stages) args.insert(args.end(), {"--stages", "compilers,mpi"});
    return args;
  }
  Tree pipeline() const {
    return tree_of(repo, [](const std::string& rel) { return rel.rfind(".gitlab-ci", 0) == 0; });
  }
  // Temp files and the journal (".<name>...").
  std::vector<std::string> leftovers() const { return entries_starting(repo, "..gitlab-ci"); }

  st::TempDir home{"spackext-faults-ci"};
  const fs::path work = home / "work";
  const fs::path repo = work / "repo";
  Tree old_tree, new_tree;
};

TEST_F(CiOutputFaults, KilledBeforeEachRenameAndUnlink) {
  kill_before_each_moment(
      generate(true), home.path(), repo, [&] { reset_to(work / "pristine-old", repo); },
      [&](const std::string& trial) {
        const auto after_kill = pipeline();
        const bool journal = fs::exists(repo / "..gitlab-ci.yml.spack-ext-journal");
        EXPECT_TRUE(after_kill == old_tree || after_kill == new_tree || journal) << trial << ": a mix, and no journal";
        if (!journal) return;
        // Any run into the folder finishes the killed one's renames first:
        // even one asked for the old pipeline sees the new set, then writes.
        auto finish = run(generate(false), home.path());
        ASSERT_EQ(finish.exit_code, 0) << trial << ": " << finish.err;
        for (const auto& [path, content] : old_tree) EXPECT_EQ(pipeline().at(path), content) << trial << ": " << path;
      },
      [&](const std::string& trial) {
        EXPECT_EQ(pipeline(), new_tree) << trial;
        EXPECT_EQ(leftovers(), std::vector<std::string>{}) << trial;
      });
}

TEST_F(CiOutputFaults, ConcurrentRunsLeaveOneCompleteSet) {
  for (int round = 0; round < trials(2); ++round) {
    reset_to(work / "pristine-old", repo);
    for (const auto& r : run_concurrently({generate(true), generate(true)}, home.path()))
      EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(pipeline(), new_tree);
    reset_to(work / "pristine-old", repo);
    for (const auto& r : run_concurrently({generate(false), generate(true)}, home.path()))
      EXPECT_EQ(r.exit_code, 0) << r.err;
    // The files the last run's parent names are all that run's.
    const auto now = pipeline();
    bool is_new = now == new_tree, is_old = true;
    for (const auto& [path, content] : old_tree) is_old = is_old && now.count(path) && now.at(path) == content;
    EXPECT_TRUE(is_new || is_old) << "a mix of the old and new pipelines";
    EXPECT_EQ(leftovers(), std::vector<std::string>{});
  }
}

}  // namespace
}  // namespace spackext::faults
