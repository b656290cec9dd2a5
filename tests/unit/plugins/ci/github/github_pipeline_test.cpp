// The GitHub backend: a job per stage with strategy.matrix, needs between
// stages, parts past 256 entries, one job per node where a stage's nodes
// wait on each other, artifacts as tarballs, retries inside the job.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "deploy_planner.hpp"
#include "sample_plan.hpp"
#include "github_pipeline.hpp"
#include "spackext_testing/sample_deployment.hpp"

namespace {

using namespace spackext;
using spackext::testing::TempDir;

using ci_test::sample_plan;

TEST(GithubPipeline, StagesAreMatrixJobsWithNeeds) {
  CiOptions o;
  o.runs_on = "self-hosted";
  auto out = ci::GithubPipeline().render(sample_plan(), o);
  ASSERT_EQ(out.files.size(), 1u);
  auto doc = YAML::Load(out.files[0].content);
  ASSERT_TRUE(doc["on"]["workflow_dispatch"]);
  auto jobs = doc["jobs"];
  ASSERT_EQ(jobs.size(), 3u);
  auto mpi = jobs["mpi"];
  EXPECT_EQ(mpi["needs"].as<std::vector<std::string>>(), std::vector<std::string>{"compilers"});
  EXPECT_EQ(mpi["runs-on"].as<std::string>(), "self-hosted");
  EXPECT_EQ(mpi["timeout-minutes"].as<int>(), 60);
  EXPECT_FALSE(mpi["strategy"]["fail-fast"].as<bool>());
  auto include = mpi["strategy"]["matrix"]["include"];
  ASSERT_EQ(include.size(), 4u);
  std::size_t at = include.size();
  for (std::size_t k = 0; k < include.size(); ++k)
    if (include[k]["name"].as<std::string>() == "mpi/gcc@14.2/openmpi@5") at = k;
  ASSERT_LT(at, include.size());
  auto entry = include[at];
  EXPECT_EQ(entry["artifacts"].as<std::string>(), "artifacts/mpi/gcc@14.2/openmpi@5");
  EXPECT_EQ(entry["artifact"].as<std::string>(), "mpi-gcc-14-2-openmpi-5");
  auto script = entry["script"].as<std::string>();
  EXPECT_NE(script.find("export SPACKEXT_NODE=mpi/gcc@14.2/openmpi@5\n"), std::string::npos) << script;
  // Steps: checkout, inputs, unpack, run (retried once), pack, upload.
  auto steps = mpi["steps"];
  ASSERT_EQ(steps.size(), 6u);
  EXPECT_EQ(steps[1]["uses"].as<std::string>(), "actions/download-artifact@v4");
  EXPECT_EQ(steps[3]["env"]["SPACKEXT_SCRIPT"].as<std::string>(), "${{ matrix.script }}");
  EXPECT_NE(steps[3]["run"].as<std::string>().find("-gt 1 ]"), std::string::npos);
  EXPECT_EQ(steps[5]["with"]["name"].as<std::string>(), "spackext-${{ matrix.artifact }}");
  // The first stage has no inputs to fetch.
  EXPECT_EQ(jobs["compilers"]["steps"].size(), 4u);
  // cpus/memory/shm cannot be asked of GitHub: one warning per stage.
  EXPECT_EQ(out.warnings.size(), 2u);
}

TEST(GithubPipeline, Stack516CutsLargeStagesAndKeepsExactNeedsInsideTiers) {
  SPACKEXT_REQUIRE_FIXTURE(stack, "fixtures/deploy/stack-516.json");
  auto plan = deploy::DeployPlanner().plan({{}, stack, {}});
  auto doc = YAML::Load(ci::GithubPipeline().render(plan, {}).files[0].content);
  auto jobs = doc["jobs"];
  ASSERT_TRUE(jobs["tier-4-part-1"]);
  ASSERT_TRUE(jobs["tier-4-part-2"]);
  EXPECT_EQ(jobs["tier-4-part-1"]["strategy"]["matrix"]["include"].size(), 256u);
  EXPECT_EQ(jobs["tier-4-part-2"]["strategy"]["matrix"]["include"].size(), 450u - 256u);
  // tier 3 nodes wait on each other (netcdf-c on hdf5): one job each, exact needs.
  std::size_t entries = 0;
  for (const auto& kv : jobs) {
    entries += kv.second["strategy"] ? kv.second["strategy"]["matrix"]["include"].size() : 1;
  }
  EXPECT_EQ(entries, 516u);
}

}  // namespace
