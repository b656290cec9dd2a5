// The generated GitLab pipeline, run by gitlab-ci-local 4.73.0 with the shell
// executor in a throw-away git repository: jobs run in DAG order, artifacts
// and env files pass along needs (--shell-isolation gives every job its own
// folder, so nothing passes by accident), a failing job stops its
// dependents, and --split's child pipelines run.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "ci_tools.hpp"
#include "deploy_planner.hpp"
#include "gitlab_pipeline.hpp"
#include "spackext_testing/sample_deployment.hpp"

namespace {

using namespace spackext;
using spackext::testing::run;
using spackext::testing::RunOptions;
using spackext::testing::TempDir;
using spackext::testing::write_file;

class GitlabCiLocal : public ::testing::Test {
 protected:
  // Renders the sample deployment into a fresh repository and commits it.
  void make_repo(const std::string& fail_node, CiOptions options) {
    auto file = spackext::testing::write_sample_deployment(repo.path(), fail_node);
    auto plan = deploy::DeployPlanner().plan({file, {}, {}});
    auto out = ci::GitlabPipeline().render(plan, options);
    for (const auto& f : out.files) write_file(repo / f.path, f.content);
    commit();
  }
  spackext::testing::RunResult run_pipeline(const std::filesystem::path& tool, bool isolated = true) {
    RunOptions o;
    o.cwd = repo.path();
    o.timeout_seconds = 300;
    std::vector<std::string> args{tool.string(), "--no-color"};
    if (isolated) args.push_back("--shell-isolation");
    return run(args, o);
  }
  // Commits the rendered pipeline of `deploy_yaml` with what is in the repository.
  void commit_pipeline(const std::string& deploy_yaml) {
    write_file(repo / "deploy.yaml", deploy_yaml);
    auto plan = deploy::DeployPlanner().plan({repo / "deploy.yaml", {}, {}});
    auto out = ci::GitlabPipeline().render(plan, {});
    for (const auto& f : out.files) write_file(repo / f.path, f.content);
    commit();
  }
  void commit() {
    write_file(repo / ".gitignore", ".gitlab-ci-local/\n");
    RunOptions o;
    o.cwd = repo.path();
    o.env = {{"GIT_AUTHOR_NAME", "t"}, {"GIT_AUTHOR_EMAIL", "t@example.invalid"},
             {"GIT_COMMITTER_NAME", "t"}, {"GIT_COMMITTER_EMAIL", "t@example.invalid"}};
    for (auto args : {std::vector<std::string>{"/usr/bin/git", "init", "-q"},
                      std::vector<std::string>{"/usr/bin/git", "add", "-A"},
                      std::vector<std::string>{"/usr/bin/git", "commit", "-q", "-m", "pipeline"}}) {
      auto r = run(args, o);
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  TempDir repo{"spackext-gcl"};
};

TEST_F(GitlabCiLocal, RunsTheDagWithArtifactsAndEnvFiles) {
  CI_REQUIRE_TOOL(tool, ".bin/gitlab-ci-local");
  make_repo("", {});
  if (HasFatalFailure()) return;
  auto r = run_pipeline(tool);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // Every job ran and passed; mpi jobs read the compiler's artifact and env file,
  // tests read the MPI's (they exit non-zero otherwise).
  for (auto job : {"compilers-gcc@14.2", "mpi-clang@18-mpich@4", "mpi-tests-gcc@14.2-openmpi@5",
                   "mpi-tests-clang@18-mpich@4"})
    EXPECT_NE(r.out.find(std::string(job) + " "), std::string::npos) << job << "\n" << r.out;
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
}

TEST_F(GitlabCiLocal, AFailingJobStopsItsDependentsOnly) {
  CI_REQUIRE_TOOL(tool, ".bin/gitlab-ci-local");
  make_repo("mpi/clang@18/mpich@4", {});
  if (HasFatalFailure()) return;
  auto r = run_pipeline(tool);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("mpi-clang@18-mpich@4"), std::string::npos);
  // Its test never starts; the other toolchains' tests do.
  EXPECT_EQ(r.out.find("mpi-tests-clang@18-mpich@4 starting"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mpi-tests-gcc@14.2-openmpi@5 starting"), std::string::npos) << r.out;
}

TEST_F(GitlabCiLocal, SplitChildPipelinesRun) {
  CI_REQUIRE_TOOL(tool, ".bin/gitlab-ci-local");
  CiOptions o;
  o.split = 4;
  make_repo("", o);
  if (HasFatalFailure()) return;
  // Artifacts do not pass between child pipelines (the renderer warns): jobs
  // share the checkout, as on a shell runner with one build folder.
  auto r = run_pipeline(tool, false);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (auto child : {"spackext-child-1", "spackext-child-2", "spackext-child-3"})
    EXPECT_NE(r.out.find(child), std::string::npos) << child << "\n" << r.out;
  EXPECT_NE(r.out.find("mpi-tests-clang@18-mpich@4"), std::string::npos) << r.out;
}

// artifacts.propagate: [compilers.yaml] on CI. Each job runs in a folder of
// its own (--shell-isolation) and receives only its direct needs' artifacts,
// yet, as with the local runner, every Spack call of a node gets the config
// scope of every ancestor that propagates, farthest first: `apps` sees the
// compiler stage's compilers.yaml through `mpi`, and the scope of `mpi`
// after it. The Spack here is a script that records its -C folders.
TEST_F(GitlabCiLocal, PropagatedScopesReachEveryDependentThroughItsNeeds) {
  CI_REQUIRE_TOOL(tool, ".bin/gitlab-ci-local");
  const std::string fake_spack =
      "#!/bin/sh\n"
      "# Records the -C scopes it was given, with the files in each.\n"
      "while [ \"$1\" = -C ]; do\n"
      "  echo \"scope $2: $(cd \"$2\" && ls | tr '\\n' ' ')\" >> \"$SPACKEXT_ARTIFACTS/spack-calls\"\n"
      "  shift 2\n"
      "done\n"
      "echo \"args $*\" >> \"$SPACKEXT_ARTIFACTS/spack-calls\"\n";
  write_file(repo / "fake-spack", fake_spack);
  ASSERT_EQ(::chmod((repo / "fake-spack").c_str(), 0755), 0);
  commit_pipeline(R"(deployment: {name: scopes, spack: ./fake-spack}
stages:
  - name: compilers
    run: ["printf 'compilers: []\\n' > $SPACKEXT_ARTIFACTS/compilers.yaml", "{spack} find", "cat $SPACKEXT_ARTIFACTS/spack-calls"]
  - name: mpi
    depends: [compilers]
    run: ["{spack} find", "printf 'compilers: [mpi]\\n' > $SPACKEXT_ARTIFACTS/compilers.yaml", "cat $SPACKEXT_ARTIFACTS/spack-calls"]
  - {name: apps, depends: [mpi], run: ["{spack} install", "cat $SPACKEXT_ARTIFACTS/spack-calls"]}
artifacts: {propagate: [compilers.yaml]}
)");
  if (HasFatalFailure()) return;
  auto r = run_pipeline(tool);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // compilers depends on nothing: no scope. mpi: the compilers stage's scope
  // with its file. apps: both, through mpi's artifacts, nearest (mpi) last.
  EXPECT_EQ(r.out.find("scope artifacts/compilers/"), r.out.find("scope artifacts/compilers/.spackext-scopes/compilers: compilers.yaml")) << r.out;
  EXPECT_NE(r.out.find("scope artifacts/compilers/.spackext-scopes/compilers: compilers.yaml"), std::string::npos) << r.out;
  const auto first = r.out.find("scope artifacts/mpi/.spackext-scopes/compilers: compilers.yaml");
  const auto second = r.out.find("scope artifacts/mpi/.spackext-scopes/mpi: compilers.yaml");
  ASSERT_NE(first, std::string::npos) << r.out;
  ASSERT_NE(second, std::string::npos) << r.out;
  EXPECT_LT(first, second) << "the nearer scope must come last (highest precedence)\n" << r.out;
  EXPECT_NE(r.out.find("args install"), std::string::npos) << r.out;
}

}  // namespace
