// The GitLab backend: a DAG with needs:, artifacts, JUnit reports, retries,
// gates past GitLab's 50-needs limit, and child pipelines with --split.
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "deploy_planner.hpp"
#include "sample_plan.hpp"
#include "gitlab_pipeline.hpp"
#include "spackext_testing/sample_deployment.hpp"

namespace {

using namespace spackext;
using spackext::testing::TempDir;

using ci_test::sample_plan;

std::set<std::string> jobs_of(const YAML::Node& doc) {
  std::set<std::string> out;
  for (const auto& kv : doc) {
    auto k = kv.first.as<std::string>();
    if (k != "stages") out.insert(k);
  }
  return out;
}

std::vector<std::string> needs_of(const YAML::Node& job) { return job["needs"].as<std::vector<std::string>>(); }

TEST(GitlabPipeline, SampleIsADagWithArtifactsReportsAndRetries) {
  auto out = ci::GitlabPipeline().render(sample_plan(), {});
  ASSERT_EQ(out.files.size(), 1u);
  EXPECT_EQ(out.files[0].path, ".gitlab-ci.yml");
  auto doc = YAML::Load(out.files[0].content);
  EXPECT_EQ(doc["stages"].as<std::vector<std::string>>(), (std::vector<std::string>{"compilers", "mpi", "mpi-tests"}));
  EXPECT_EQ(jobs_of(doc).size(), 10u);
  auto mpi = doc["mpi-clang@18-mpich@4"];
  ASSERT_TRUE(mpi) << out.files[0].content;
  EXPECT_EQ(needs_of(mpi), std::vector<std::string>{"compilers-clang@18"});
  EXPECT_EQ(mpi["stage"].as<std::string>(), "mpi");
  EXPECT_EQ(mpi["retry"].as<int>(), 1);
  EXPECT_EQ(mpi["timeout"].as<std::string>(), "1h");
  EXPECT_EQ(mpi["artifacts"]["paths"][0].as<std::string>(), "artifacts/mpi/clang@18/mpich@4");
  EXPECT_EQ(mpi["variables"]["KUBERNETES_CPU_REQUEST"].as<std::string>(), "4");
  EXPECT_EQ(mpi["variables"]["KUBERNETES_MEMORY_REQUEST"].as<std::string>(), "8192Mi");
  EXPECT_EQ(mpi["variables"]["SPACKEXT_NODE"].as<std::string>(), "mpi/clang@18/mpich@4");
  EXPECT_FALSE(mpi["image"]);  // shell runner
  EXPECT_EQ(needs_of(doc["compilers-gcc@14.2"]), std::vector<std::string>{});  // starts at once
  auto test = doc["mpi-tests-gcc@14.2-openmpi@5"];
  EXPECT_EQ(test["artifacts"]["reports"]["junit"].as<std::string>(), "artifacts/mpi-tests/gcc@14.2/openmpi@5/junit.xml");
  EXPECT_EQ(test["artifacts"]["when"].as<std::string>(), "always");
  // /dev/shm cannot be sized on GitLab: said once for the stage.
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_NE(out.warnings[0].find("stage 'mpi-tests': GitLab cannot size /dev/shm (32G)"), std::string::npos);
}

TEST(GitlabPipeline, ImageAndTags) {
  CiOptions o;
  o.image = "spack/ubuntu-jammy:0.23";
  o.tags = {"hpc", "x86_64"};
  auto doc = YAML::Load(ci::GitlabPipeline().render(sample_plan(), o).files[0].content);
  EXPECT_EQ(doc["mpi-gcc@14.2-mpich@4"]["image"].as<std::string>(), "spack/ubuntu-jammy:0.23");
  EXPECT_EQ(doc["mpi-gcc@14.2-mpich@4"]["tags"].as<std::vector<std::string>>(), (std::vector<std::string>{"hpc", "x86_64"}));
}

// 60 sources and one job that needs all of them.
DeployPlan wide_plan() {
  nlohmann::json j{{"schema_version", 1}, {"deployment", "wide"},
                   {"stages", {{{"name", "src"}}, {{"name", "sink"}, {"depends", {"src"}}}}}, {"jobs", nlohmann::json::array()}};
  nlohmann::json sink{{"name", "all"}, {"stage", "sink"}, {"commands", {"true"}}, {"needs", nlohmann::json::array()}};
  for (int i = 0; i < 60; ++i) {
    j["jobs"].push_back({{"name", "s" + std::to_string(i)}, {"stage", "src"}, {"commands", {"true"}}});
    sink["needs"].push_back("s" + std::to_string(i));
  }
  j["jobs"].push_back(sink);
  return DeployPlan::from_json(j);
}

TEST(GitlabPipeline, MoreThanFiftyNeedsGoThroughGates) {
  auto out = ci::GitlabPipeline().render(wide_plan(), {});
  auto doc = YAML::Load(out.files[0].content);
  EXPECT_EQ(needs_of(doc["all"]), (std::vector<std::string>{"all-needs-1", "all-needs-2"}));
  EXPECT_EQ(needs_of(doc["all-needs-1"]).size(), 50u);
  EXPECT_EQ(needs_of(doc["all-needs-2"]).size(), 10u);
  std::set<std::string> covered;
  for (auto g : {"all-needs-1", "all-needs-2"})
    for (const auto& n : needs_of(doc[g])) covered.insert(n);
  EXPECT_EQ(covered.size(), 60u);
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_NE(out.warnings[0].find("GitLab allows 50"), std::string::npos);
}

TEST(GitlabPipeline, SplitCutsAlongTheDagIntoChildPipelines) {
  CiOptions o;
  o.split = 3;
  o.output = "ci/pipeline.yml";
  auto plan = sample_plan();
  auto out = ci::GitlabPipeline().render(plan, o);
  ASSERT_EQ(out.files.size(), 1u + 4u);  // 10 jobs, 3 per child
  EXPECT_EQ(out.files[0].path, "pipeline.yml");
  EXPECT_EQ(out.files[1].path, "pipeline-child-1.yml");
  auto parent = YAML::Load(out.files[0].content);
  EXPECT_EQ(parent["spackext-child-pipelines"]["artifacts"]["paths"][3].as<std::string>(), "ci/pipeline-child-4.yml");
  std::map<std::string, int> child_of;
  std::size_t total = 0;
  for (int k = 1; k <= 4; ++k) {
    auto trigger = parent["spackext-child-" + std::to_string(k)];
    ASSERT_TRUE(trigger);
    EXPECT_EQ(trigger["trigger"]["include"][0]["artifact"].as<std::string>(), "ci/pipeline-child-" + std::to_string(k) + ".yml");
    EXPECT_EQ(trigger["trigger"]["include"][0]["job"].as<std::string>(), "spackext-child-pipelines");
    EXPECT_EQ(trigger["trigger"]["strategy"].as<std::string>(), "depend");
    // A child waits only for earlier children.
    for (const auto& n : needs_of(trigger))
      if (n != "spackext-child-pipelines") EXPECT_LT(std::stoi(n.substr(std::string("spackext-child-").size())), k);
    auto child = YAML::Load(out.files[k].content);
    auto jobs = jobs_of(child);
    EXPECT_LE(jobs.size(), 3u);
    total += jobs.size();
    for (const auto& j : jobs) {
      child_of[j] = k;
      for (const auto& n : needs_of(child[j])) EXPECT_TRUE(jobs.count(n)) << j << " needs " << n << " outside its child";
    }
  }
  EXPECT_EQ(total, plan.jobs.size());
  // Every dependency of the plan is kept: inside a child or as the order of children.
  auto full = YAML::Load(ci::GitlabPipeline().render(plan, {}).files[0].content);
  for (const auto& j : jobs_of(full))
    for (const auto& n : needs_of(full[j])) {
      if (child_of[n] == child_of[j]) continue;
      auto trigger_needs = needs_of(parent["spackext-child-" + std::to_string(child_of[j])]);
      EXPECT_NE(std::find(trigger_needs.begin(), trigger_needs.end(), "spackext-child-" + std::to_string(child_of[n])),
                trigger_needs.end())
          << j << " needs " << n;
    }
}

TEST(GitlabPipeline, Stack516RendersEveryNode) {
  SPACKEXT_REQUIRE_FIXTURE(stack, "fixtures/deploy/stack-516.json");
  auto plan = deploy::DeployPlanner().plan({{}, stack, {}});
  auto doc = YAML::Load(ci::GitlabPipeline().render(plan, {}).files[0].content);
  EXPECT_EQ(jobs_of(doc).size(), 516u);
  CiOptions o;
  o.split = 100;
  auto split = ci::GitlabPipeline().render(plan, o);
  EXPECT_EQ(split.files.size(), 1u + 6u);
}

TEST(GitlabPipeline, ReservedAndCollidingNamesAreMadeUniqueDeterministically) {
  auto j = nlohmann::json::parse(R"({"schema_version": 1, "deployment": "d", "stages": [{"name": "s"}],
    "jobs": [{"name": "image", "stage": "s", "commands": ["true"]}, {"name": "a/b", "stage": "s", "commands": ["true"]},
             {"name": "a:b", "stage": "s", "commands": ["true"]}]})");
  auto plan = DeployPlan::from_json(j);
  auto first = ci::GitlabPipeline().render(plan, {}).files[0].content;
  auto doc = YAML::Load(first);
  EXPECT_TRUE(doc["image-2"]);
  EXPECT_TRUE(doc["a-b"]);
  EXPECT_TRUE(doc["a-b-2"]);
  EXPECT_EQ(ci::GitlabPipeline().render(plan, {}).files[0].content, first);
}

}  // namespace
