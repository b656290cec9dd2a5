// The Slurm executor's own logic without a cluster: the batch script it
// writes, the state mapping, and a clear error when Slurm is not installed.
// Real jobs are in tests/integration/slurm.
#include <gtest/gtest.h>

#include "slurm_executor.hpp"
#include "spackext/errors.hpp"
#include "spackext_testing/testing.hpp"

using spackext::JobState;
using spackext::executors::SlurmExecutor;
using spackext::executors::SlurmOptions;
using spackext::executors::slurm_state;

TEST(SlurmExecutor, BatchScriptCarriesNameResourcesDependenciesAndEnvironment) {
  spackext::StageJob j;
  j.id = "apps/gcc/wrf#1";
  j.name = "stack:apps/gcc/wrf";
  j.log_path = "/logs/a.log";
  j.workdir = "/work";
  j.after = {"12", "13"};
  j.resources = {{"cpus", 4}, {"memory", "8G"}, {"time", "01:00:00"}, {"partition", "debug"}};
  j.environment["MSG"] = "it's, here";
  j.commands = {"echo one", "echo two"};
  auto s = SlurmExecutor::batch_script(j);
  EXPECT_EQ(s,
            "#!/bin/sh\n"
            "#SBATCH --job-name=stack:apps/gcc/wrf\n"
            "#SBATCH --output=/logs/a.log\n"
            "#SBATCH --chdir=/work\n"
            "#SBATCH --cpus-per-task=4\n"
            "#SBATCH --mem=8G\n"
            "#SBATCH --time=01:00:00\n"
            "#SBATCH --partition=debug\n"
            "#SBATCH --dependency=afterok:12:13\n"
            "#SBATCH --kill-on-invalid-dep=yes\n"
            "export MSG='it'\\''s, here'\n"
            "export SPACKEXT_EXECUTOR=slurm SPACKEXT_JOB_ID='apps/gcc/wrf#1'\n"
            "set -e\n"
            "echo one\n"
            "echo two\n");
}

TEST(SlurmExecutor, StateNamesFromSqueueScontrolAndSacct) {
  EXPECT_EQ(slurm_state("PENDING"), JobState::pending);
  EXPECT_EQ(slurm_state("RUNNING"), JobState::running);
  EXPECT_EQ(slurm_state("COMPLETING"), JobState::running);
  EXPECT_EQ(slurm_state("COMPLETED"), JobState::succeeded);
  EXPECT_EQ(slurm_state("FAILED"), JobState::failed);
  EXPECT_EQ(slurm_state("TIMEOUT"), JobState::failed);
  EXPECT_EQ(slurm_state("OUT_OF_MEMORY"), JobState::failed);
  EXPECT_EQ(slurm_state("CANCELLED by 0"), JobState::cancelled);
  EXPECT_EQ(slurm_state("WHATEVER"), JobState::unknown);
}

TEST(SlurmExecutor, MissingSbatchIsAClearError) {
  spackext::testing::TempDir tmp;
  SlurmOptions o;
  o.sbatch = "spackext-no-such-sbatch";
  SlurmExecutor ex(o);
  spackext::StageJob j;
  j.id = "a";
  j.log_path = (tmp / "a.log").string();
  j.commands = {"true"};
  try {
    ex.submit(j);
    FAIL() << "submit without sbatch succeeded";
  } catch (const spackext::Error& e) {
    EXPECT_EQ(e.exit_code(), 1);
    EXPECT_NE(std::string(e.what()).find("spackext-no-such-sbatch not found"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--executor local"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(ex.handles_dependencies());
}
