// The SDK's deployment plan model: JSON round trip, what from_json rejects
// (with the JSON path), and the order it gives.
#include <gtest/gtest.h>

#include "spackext/deploy_plan.hpp"
#include "spackext/errors.hpp"

namespace {

using spackext::DeployPlan;
using spackext::InputError;
using nlohmann::json;

json two_jobs() {
  return json::parse(R"({
    "schema_version": 1, "deployment": "site", "stages": [{"name": "a"}, {"name": "b", "depends": ["a"], "kind": "tests",
      "resources": {"cpus": 16, "memory": "48G", "shm": "32G"}}],
    "jobs": [
      {"name": "b/x", "stage": "b", "needs": ["a/x"], "commands": ["echo b"], "junit": "artifacts/b/x/junit.xml"},
      {"name": "a/x", "stage": "a", "commands": ["echo a"], "axes": {"compiler": "x"}, "retries": 2}
    ]})");
}

std::string error_of(const json& j) {
  try {
    DeployPlan::from_json(j);
  } catch (const InputError& e) {
    EXPECT_EQ(e.exit_code(), 2);
    return e.what();
  }
  return "";
}

TEST(DeployPlan, RoundTripsThroughJson) {
  auto plan = DeployPlan::from_json(two_jobs());
  ASSERT_EQ(plan.jobs.size(), 2u);
  EXPECT_EQ(plan.jobs[1].axes.at("compiler"), "x");
  EXPECT_EQ(plan.jobs[1].retries, 2);
  EXPECT_EQ(plan.stages[1].kind, "tests");
  EXPECT_EQ(*plan.stages[1].resources.cpus, 16);
  EXPECT_EQ(plan.stages[1].resources.shm, "32G");
  auto again = DeployPlan::from_json(plan.to_json());
  EXPECT_EQ(again.to_json(), plan.to_json());
}

TEST(DeployPlan, OrdersNeedsFirst) {
  auto plan = DeployPlan::from_json(two_jobs());
  auto order = plan.topological_order();
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(plan.jobs[order[0]].name, "a/x");
  EXPECT_EQ(plan.jobs[order[1]].name, "b/x");
}

TEST(DeployPlan, RejectsWhatTheSchemaRejectsWithItsPath) {
  auto j = two_jobs();
  j["jobs"][0]["needs"] = {"nope"};
  EXPECT_NE(error_of(j).find("$.jobs[0].needs: unknown job 'nope'"), std::string::npos) << error_of(j);
  j = two_jobs();
  j["jobs"][1]["retries"] = -1;
  EXPECT_NE(error_of(j).find("$.jobs[1].retries"), std::string::npos);
  j = two_jobs();
  j["jobs"][1]["stage"] = "c";
  EXPECT_NE(error_of(j).find("unknown stage 'c'"), std::string::npos);
  j = two_jobs();
  j["jobs"][1]["colour"] = "red";
  EXPECT_NE(error_of(j).find("unknown key 'colour'"), std::string::npos);
  j = two_jobs();
  j["schema_version"] = 2;
  EXPECT_NE(error_of(j).find("unsupported plan schema version 2"), std::string::npos);
  j = two_jobs();
  j["jobs"][1]["name"] = "b/x";
  EXPECT_NE(error_of(j).find("duplicate job 'b/x'"), std::string::npos);
}

TEST(DeployPlan, NamesACycle) {
  auto j = two_jobs();
  j["jobs"][1]["needs"] = {"b/x"};
  auto e = error_of(j);
  EXPECT_NE(e.find("dependency cycle: "), std::string::npos) << e;
  EXPECT_NE(e.find("b/x -> a/x -> b/x"), std::string::npos) << e;
}

}  // namespace
