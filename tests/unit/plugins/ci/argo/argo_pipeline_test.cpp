// The Argo backend: the dag template's tasks and dependencies are the plan's,
// stage templates carry resources, /dev/shm, deadlines and retries, and
// every pod mounts the shared volume.
#include <map>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "argo_pipeline.hpp"
#include "deploy_planner.hpp"
#include "sample_plan.hpp"
#include "spackext/errors.hpp"
#include "spackext_testing/sample_deployment.hpp"

namespace {

using namespace spackext;
using spackext::testing::TempDir;

using ci_test::sample_plan;

CiOptions with_image() {
  CiOptions o;
  o.image = "spack/ubuntu-jammy:0.23";
  return o;
}

YAML::Node template_named(const YAML::Node& doc, const std::string& name) {
  for (const auto& t : doc["spec"]["templates"])
    if (t["name"].as<std::string>() == name) return t;
  return {};
}

TEST(ArgoPipeline, DagEqualsThePlan) {
  auto plan = sample_plan();
  auto o = with_image();
  o.namespace_name = "hpc";
  o.volume_claim = "stack-pvc";
  auto doc = YAML::Load(ci::ArgoPipeline().render(plan, o).files[0].content);
  EXPECT_EQ(doc["kind"].as<std::string>(), "Workflow");
  EXPECT_EQ(doc["metadata"]["generateName"].as<std::string>(), "ci-sample-");
  EXPECT_EQ(doc["metadata"]["namespace"].as<std::string>(), "hpc");
  EXPECT_EQ(doc["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"].as<std::string>(), "stack-pvc");
  auto tasks = template_named(doc, "main")["dag"]["tasks"];
  ASSERT_EQ(tasks.size(), plan.jobs.size());
  // Task names are the plan's, sanitized one to one; dependencies map through them.
  std::map<std::string, std::vector<std::string>> deps;
  for (const auto& t : tasks)
    deps[t["name"].as<std::string>()] = t["dependencies"] ? t["dependencies"].as<std::vector<std::string>>() : std::vector<std::string>{};
  EXPECT_EQ(deps.size(), plan.jobs.size());
  EXPECT_EQ(deps.at("mpi-clang-18-mpich-4"), std::vector<std::string>{"compilers-clang-18"});
  EXPECT_EQ(deps.at("mpi-tests-gcc-14-2-openmpi-5"), std::vector<std::string>{"mpi-gcc-14-2-openmpi-5"});
  EXPECT_TRUE(deps.at("compilers-gcc-14-2").empty());
}

TEST(ArgoPipeline, StageTemplatesCarryResources) {
  auto doc = YAML::Load(ci::ArgoPipeline().render(sample_plan(), with_image()).files[0].content);
  auto tests = template_named(doc, "stage-mpi-tests");
  ASSERT_TRUE(tests);
  auto c = tests["container"];
  EXPECT_EQ(c["name"].as<std::string>(), "main");
  EXPECT_EQ(c["image"].as<std::string>(), "spack/ubuntu-jammy:0.23");
  EXPECT_EQ(c["resources"]["requests"]["cpu"].as<std::string>(), "16");
  EXPECT_EQ(c["resources"]["limits"]["memory"].as<std::string>(), "48Gi");
  EXPECT_EQ(c["volumeMounts"][1]["mountPath"].as<std::string>(), "/dev/shm");
  EXPECT_EQ(tests["volumes"][0]["emptyDir"]["medium"].as<std::string>(), "Memory");
  EXPECT_EQ(tests["volumes"][0]["emptyDir"]["sizeLimit"].as<std::string>(), "32Gi");
  auto mpi = template_named(doc, "stage-mpi");
  EXPECT_EQ(mpi["activeDeadlineSeconds"].as<long>(), 3600);
  EXPECT_EQ(mpi["retryStrategy"]["limit"].as<std::string>(), "1");
  EXPECT_EQ(mpi["retryStrategy"]["backoff"]["duration"].as<std::string>(), "1s");
}

TEST(ArgoPipeline, NeedsAnImageAndAKnownKind) {
  EXPECT_THROW(ci::ArgoPipeline().render(sample_plan(), {}), UsageError);
  auto o = with_image();
  o.kind = "CronWorkflow";
  EXPECT_THROW(ci::ArgoPipeline().render(sample_plan(), o), UsageError);
  o.kind = "WorkflowTemplate";
  auto doc = YAML::Load(ci::ArgoPipeline().render(sample_plan(), o).files[0].content);
  EXPECT_EQ(doc["metadata"]["name"].as<std::string>(), "ci-sample");
}

TEST(ArgoPipeline, Stack516) {
  SPACKEXT_REQUIRE_FIXTURE(stack, "fixtures/deploy/stack-516.json");
  auto plan = deploy::DeployPlanner().plan({{}, stack, {}});
  auto out = ci::ArgoPipeline().render(plan, with_image());
  auto doc = YAML::Load(out.files[0].content);
  // At most 200 tasks per dag: three parts, each after the parts it needs.
  auto main = template_named(doc, "main")["dag"]["tasks"];
  ASSERT_EQ(main.size(), 3u);
  EXPECT_FALSE(main[0]["dependencies"]);
  for (std::size_t k = 1; k < main.size(); ++k) {  // only earlier parts, and some
    ASSERT_TRUE(main[k]["dependencies"]);
    for (const auto& d : main[k]["dependencies"]) EXPECT_LT(d.as<std::string>(), main[k]["name"].as<std::string>());
  }
  std::size_t tasks = 0;
  for (auto p : {"part-1", "part-2", "part-3"}) {
    auto t = template_named(doc, p)["dag"]["tasks"];
    EXPECT_LE(t.size(), 200u);
    tasks += t.size();
  }
  EXPECT_EQ(tasks, 516u);
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_NE(out.warnings[0].find("Argo allows 200 tasks per dag"), std::string::npos);
}

}  // namespace
