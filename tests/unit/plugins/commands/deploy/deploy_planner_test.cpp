// The deploy plugin's `planner` service: the plan of a deploy.yaml (what
// `deploy run` would execute) and of a graph file, checked against the SDK's
// JSON schema of the plan.
#include <fstream>

#include <gtest/gtest.h>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "deploy_planner.hpp"
#include "deploy_spec_fixture.hpp"
#include "graph_file.hpp"
#include "spackext/errors.hpp"
#include "spackext_testing/sample_deployment.hpp"

namespace sd = spackext::deploy;
using spackext::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// Every problem the SDK's deploy-plan schema finds in `plan`.
std::vector<std::string> schema_errors(const nlohmann::json& plan) {
  std::ifstream in(spackext::testing::source_dir() / "sdk/include/spackext/schemas/deploy-plan.schema.json");
  auto schema_doc = nlohmann::json::parse(in);
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
  parser.populateSchema(schema_adapter, schema);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(plan);
  validator.validate(schema, target, &results);
  std::vector<std::string> out;
  valijson::ValidationResults::Error e;
  while (results.popError(e)) {
    std::string where;
    for (const auto& p : e.context) where += p;
    out.push_back(where + ": " + e.description);
  }
  return out;
}

// artifacts.propagate with a list on CI: a node reads every ancestor's scope
// from the artifacts of its first direct need that carries it, in the local
// runner's order (farthest first), and publishes its own files and what it
// was given into its own artifacts for its dependents.
TEST(DeployPlanner, PropagatedScopesOfADiamondComeThroughTheDirectNeeds) {
  TempDir tmp;
  spackext::testing::write_file(tmp / "deploy.yaml", R"(deployment: {name: diamond}
stages:
  - {name: a, run: ["true"]}
  - {name: b, depends: [a], run: ["true"]}
  - {name: c, depends: [a], run: ["true"]}
  - {name: d, depends: [b, c], run: ["{spack} install"]}
artifacts: {propagate: [packages.yaml]}
)");
  auto plan = sd::DeployPlanner().plan({tmp / "deploy.yaml", {}, {}});
  EXPECT_TRUE(schema_errors(plan.to_json()).empty());
  const auto* a = plan.find_job("a");
  const auto* d = plan.find_job("d");
  ASSERT_TRUE(a && d);
  EXPECT_EQ(a->env.at("SPACKEXT_SCOPES"), "");
  // b and c are unordered; the graph's topological order puts c first, as it
  // does for the local runner.
  EXPECT_EQ(d->env.at("SPACKEXT_SCOPES"),
            "artifacts/b/.spackext-scopes/a:artifacts/c/.spackext-scopes/c:artifacts/b/.spackext-scopes/b");
  auto has = [](const spackext::PlanJob& j, const std::string& text) {
    for (const auto& c : j.commands)
      if (c.find(text) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has(*d, "spack -C artifacts/b/.spackext-scopes/a -C artifacts/c/.spackext-scopes/c "
                      "-C artifacts/b/.spackext-scopes/b install"));
  EXPECT_TRUE(has(*a, "cp artifacts/a/packages.yaml artifacts/a/.spackext-scopes/a/packages.yaml"));
  EXPECT_TRUE(has(*d, "cp -R artifacts/b/.spackext-scopes/a/. artifacts/d/.spackext-scopes/a/"));
  // Without a list nothing of this is added.
  spackext::testing::write_file(tmp / "plain.yaml", "deployment: {name: plain}\nstages:\n  - {name: a, run: [\"true\"]}\n");
  auto plain = sd::DeployPlanner().plan({tmp / "plain.yaml", {}, {}});
  EXPECT_EQ(plain.jobs.at(0).env.count("SPACKEXT_SCOPES"), 0u);
}

TEST(DeployPlanner, SamplePlanHasPerToolchainNeedsCommandsAndTestReports) {
  TempDir tmp;
  auto file = spackext::testing::write_sample_deployment(tmp.path());
  sd::DeployPlanner planner;
  auto plan = planner.plan({file, {}, {}});
  EXPECT_EQ(plan.deployment, "ci-sample");
  EXPECT_EQ(plan.source, "deploy.yaml");
  EXPECT_EQ(plan.workdir, ".");
  ASSERT_EQ(plan.stages.size(), 3u);
  EXPECT_EQ(plan.stages[2].name, "mpi-tests");
  EXPECT_EQ(plan.stages[2].kind, "tests");
  EXPECT_EQ(plan.stages[2].resources.shm, "32G");
  ASSERT_EQ(plan.jobs.size(), 2u + 4u + 4u);
  const auto* mpi = plan.find_job("mpi/clang@18/mpich@4");
  ASSERT_NE(mpi, nullptr);
  // Per toolchain: one compiler, not both.
  EXPECT_EQ(mpi->needs, std::vector<std::string>{"compilers/clang@18"});
  EXPECT_EQ(mpi->retries, 1);
  EXPECT_EQ(*mpi->resources.cpus, 4);
  EXPECT_EQ(mpi->artifacts, "artifacts/mpi/clang@18/mpich@4");
  EXPECT_EQ(mpi->env.at("SPACKEXT_INPUTS"), "artifacts/compilers/clang@18");
  EXPECT_EQ(mpi->env.at("SPACKEXT_COMPILER"), "clang@18");
  EXPECT_EQ(mpi->commands.front(), "mkdir -p \"$SPACKEXT_ARTIFACTS\"");
  EXPECT_EQ(mpi->commands.back(), "echo mpich@4 >> \"$SPACKEXT_ARTIFACTS/built-with.txt\"");
  const auto* test = plan.find_job("mpi-tests/gcc@14.2/openmpi@5");
  ASSERT_NE(test, nullptr);
  EXPECT_EQ(test->junit, "artifacts/mpi-tests/gcc@14.2/openmpi@5/junit.xml");
  // Needs come first.
  auto pos = [&](const std::string& n) {
    for (std::size_t i = 0; i < plan.jobs.size(); ++i)
      if (plan.jobs[i].name == n) return i;
    return plan.jobs.size();
  };
  for (const auto& j : plan.jobs)
    for (const auto& n : j.needs) EXPECT_LT(pos(n), pos(j.name)) << j.name;
  EXPECT_EQ(schema_errors(plan.to_json()), std::vector<std::string>{});
}

TEST(DeployPlanner, DefaultCommandsUseEnvironmentsRelativeToTheDeployment) {
  TempDir tmp;
  deploy_test::make_envs(tmp.path(), {"compilers"});
  spackext::testing::write_file(tmp / "deploy.yaml",
                                "deployment: {name: d}\nstages:\n  - name: compilers\n    environment: envs/compilers\n");
  auto plan = sd::DeployPlanner().plan({tmp / "deploy.yaml", {}, {}});
  ASSERT_EQ(plan.jobs.size(), 1u);
  EXPECT_EQ(plan.jobs[0].commands.back(), "spack -e envs/compilers install");
}

TEST(DeployPlanner, StageSelectionDropsTheOthers) {
  TempDir tmp;
  auto file = spackext::testing::write_sample_deployment(tmp.path());
  auto plan = sd::DeployPlanner().plan({file, {}, {"mpi"}});
  ASSERT_EQ(plan.jobs.size(), 4u);
  EXPECT_TRUE(plan.jobs[0].needs.empty());
  EXPECT_EQ(plan.stages.size(), 1u);
  EXPECT_TRUE(plan.stages[0].depends.empty());
}

TEST(DeployPlanner, Stack516GraphFile) {
  SPACKEXT_REQUIRE_FIXTURE(stack, "fixtures/deploy/stack-516.json");
  auto doc = nlohmann::json::parse(std::ifstream(stack));
  auto plan = sd::DeployPlanner().plan({{}, stack, {}});
  ASSERT_EQ(plan.jobs.size(), doc["nodes"].size());
  for (const auto& n : doc["nodes"]) {
    const auto* job = plan.find_job(n["name"].get<std::string>());
    ASSERT_NE(job, nullptr) << n["name"];
    EXPECT_EQ(job->needs, n["deps"].get<std::vector<std::string>>());
    EXPECT_EQ(job->stage, "tier " + std::to_string(n["tier"].get<int>()));
    EXPECT_DOUBLE_EQ(job->estimate_min, n["duration_min"].get<double>());
  }
  EXPECT_EQ(plan.stages.front().name, "tier 1");
  EXPECT_EQ(schema_errors(plan.to_json()), std::vector<std::string>{});
}

TEST(DeployPlanner, TestStagesNeedATemplateAndSizesAreChecked) {
  TempDir tmp;
  auto error_of = [&](const std::string& text) -> std::string {
    spackext::testing::write_file(tmp / "deploy.yaml", text);
    try {
      sd::DeployPlanner().plan({tmp / "deploy.yaml", {}, {}});
    } catch (const spackext::InputError& e) {
      return e.what();
    }
    return "accepted";
  };
  const std::string head = "deployment: {name: d}\nstages:\n  - name: a\n    run: [true]\n";
  EXPECT_EQ(error_of(head + "tests:\n  - name: t\n    depends: [a]\n"),
            (tmp / "deploy.yaml").string() + ":6: expected test stage 't' to have 'run' commands (the test command template)");
  EXPECT_EQ(error_of(head + "tests:\n  - name: t\n    run: [x]\n    resources: {shm: lots}\n"),
            (tmp / "deploy.yaml").string() + ":8: expected stage 't' resources.shm to be a size such as 48G or 500M");
  EXPECT_EQ(error_of(head + "tests:\n  - name: a\n    run: [x]\n"),
            (tmp / "deploy.yaml").string() + ":6: duplicate stage name 'a'");
  EXPECT_EQ(error_of(head + "tests:\n  - name: t\n    run: [x]\n    matrix: {runtimes: [python@3.12, r@4.4]}\n"), "accepted");
}

}  // namespace
