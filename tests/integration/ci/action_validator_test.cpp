// Every generated GitHub workflow passes @action-validator/cli 0.6.0 (one
// file per call); a deliberately broken one is rejected.
#include <gtest/gtest.h>

#include "ci_tools.hpp"
#include "deploy_planner.hpp"
#include "github_pipeline.hpp"
#include "spackext_testing/sample_deployment.hpp"

namespace {

using namespace spackext;
using spackext::testing::TempDir;

spackext::testing::RunResult validate(const std::filesystem::path& tool, const std::filesystem::path& file) {
  return spackext::testing::run({tool.string(), file.string()});
}

TEST(ActionValidator, SampleAndStack516WorkflowsAreAccepted) {
  CI_REQUIRE_TOOL(tool, ".bin/action-validator");
  TempDir tmp;
  auto plan = deploy::DeployPlanner().plan({spackext::testing::write_sample_deployment(tmp.path()), {}, {}});
  CiOptions o;
  o.runs_on = "self-hosted";
  o.image = "spack/ubuntu-jammy:0.23";
  spackext::testing::write_file(tmp / "sample.yml", ci::GithubPipeline().render(plan, o).files[0].content);
  auto r = validate(tool, tmp / "sample.yml");
  EXPECT_EQ(r.exit_code, 0) << r.err;

  auto stack = spackext::testing::shared_fixture("fixtures/deploy/stack-516.json");
  if (!stack) GTEST_SKIP() << "shared fixture 'fixtures/deploy/stack-516.json' not found";
  auto big = deploy::DeployPlanner().plan({{}, *stack, {}});
  spackext::testing::write_file(tmp / "stack.yml", ci::GithubPipeline().render(big, {}).files[0].content);
  r = validate(tool, tmp / "stack.yml");
  EXPECT_EQ(r.exit_code, 0) << r.err.substr(0, 2000);
}

TEST(ActionValidator, ABrokenWorkflowIsRejected) {
  CI_REQUIRE_TOOL(tool, ".bin/action-validator");
  TempDir tmp;
  auto plan = deploy::DeployPlanner().plan({spackext::testing::write_sample_deployment(tmp.path()), {}, {}});
  auto text = ci::GithubPipeline().render(plan, {}).files[0].content;
  // A need that names no job.
  auto at = text.find("- compilers\n");
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, std::string("- compilers\n").size(), "- compilerz\n");
  spackext::testing::write_file(tmp / "bad.yml", text);
  auto r = validate(tool, tmp / "bad.yml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("compilerz"), std::string::npos) << r.err;
}

}  // namespace
