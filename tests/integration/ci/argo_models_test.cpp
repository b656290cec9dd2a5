// The generated Argo Workflow validates against Argo's schema
// (@kubernetes-models/argo-workflows, run by Node), and its DAG (task names,
// dependencies) equals the plan's.
#include <algorithm>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "argo_pipeline.hpp"
#include "ci_tools.hpp"
#include "deploy_planner.hpp"
#include "spackext_testing/sample_deployment.hpp"

namespace {

using namespace spackext;
using spackext::testing::TempDir;

spackext::testing::RunResult validate(const std::filesystem::path& file) {
  return spackext::testing::run({"/usr/bin/node", (spackext::testing::source_dir() / "tests/integration/ci/validate_argo.mjs").string(),
                       ci_test::node_modules().string(), file.string()});
}

// The plan's DAG with names mapped the way the backend does (one to one):
// every edge is a task dependency, or, across parts, a part dependency.
void expect_same_dag(const DeployPlan& plan, const nlohmann::json& read) {
  const auto& dag = read["tasks"];
  const auto& part_of = read["part_of"];
  ASSERT_EQ(dag.size(), plan.jobs.size());
  std::vector<std::string> names;
  for (const auto& j : plan.jobs) names.push_back(j.name);
  auto mapped = engine_job_names(names, NameRules{[](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; },
                                                  '-', 63, true, "t-", {"main"}});
  std::map<std::string, std::string> to;
  for (std::size_t i = 0; i < names.size(); ++i) to[names[i]] = mapped[i];
  for (const auto& j : plan.jobs) {
    const auto task = to.at(j.name);
    std::vector<std::string> want;
    for (const auto& n : j.needs) {
      const auto dep = to.at(n);
      if (part_of.empty() || part_of[dep] == part_of[task]) {
        want.push_back(dep);
      } else {
        auto deps = read["parts"][part_of[task].get<std::string>()].get<std::vector<std::string>>();
        EXPECT_NE(std::find(deps.begin(), deps.end(), part_of[dep].get<std::string>()), deps.end()) << j.name << " needs " << n;
      }
    }
    ASSERT_TRUE(dag.contains(task)) << j.name;
    EXPECT_EQ(dag[task].get<std::vector<std::string>>(), want) << j.name;
  }
}

TEST(ArgoModels, SampleWorkflowAndTemplateValidateAndKeepTheDag) {
  CI_REQUIRE_TOOL(models, "@kubernetes-models/argo-workflows");
  TempDir tmp;
  auto plan = deploy::DeployPlanner().plan({spackext::testing::write_sample_deployment(tmp.path()), {}, {}});
  for (auto kind : {"Workflow", "WorkflowTemplate"}) {
    CiOptions o;
    o.image = "spack/ubuntu-jammy:0.23";
    o.kind = kind;
    o.namespace_name = "hpc";
    auto out = ci::ArgoPipeline().render(plan, o);
    spackext::testing::write_file(tmp / "wf.yaml", out.files[0].content);
    auto r = validate(tmp / "wf.yaml");
    ASSERT_EQ(r.exit_code, 0) << kind << ": " << r.err;
    expect_same_dag(plan, nlohmann::json::parse(r.out));
  }
}

TEST(ArgoModels, Stack516Validates) {
  CI_REQUIRE_TOOL(models, "@kubernetes-models/argo-workflows");
  SPACKEXT_REQUIRE_FIXTURE(stack, "fixtures/deploy/stack-516.json");
  TempDir tmp;
  auto plan = deploy::DeployPlanner().plan({{}, stack, {}});
  CiOptions o;
  o.image = "spack/ubuntu-jammy:0.23";
  spackext::testing::write_file(tmp / "wf.yaml", ci::ArgoPipeline().render(plan, o).files[0].content);
  auto r = validate(tmp / "wf.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_same_dag(plan, nlohmann::json::parse(r.out));
}

TEST(ArgoModels, ABrokenWorkflowIsRejected) {
  CI_REQUIRE_TOOL(models, "@kubernetes-models/argo-workflows");
  TempDir tmp;
  auto plan = deploy::DeployPlanner().plan({spackext::testing::write_sample_deployment(tmp.path()), {}, {}});
  CiOptions o;
  o.image = "img";
  auto text = ci::ArgoPipeline().render(plan, o).files[0].content;
  // The entrypoint must be a string.
  text.replace(text.find("entrypoint: main"), std::string("entrypoint: main").size(), "entrypoint: [main]");
  spackext::testing::write_file(tmp / "bad.yaml", text);
  auto r = validate(tmp / "bad.yaml");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("entrypoint"), std::string::npos) << r.err;
}

}  // namespace
