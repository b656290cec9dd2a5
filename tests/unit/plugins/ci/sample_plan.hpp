// The plan of the sample deployment (spackext_testing/sample_deployment.hpp),
// made by the deploy plugin's planner as `ci generate` gets it.
#pragma once

#include "deploy_planner.hpp"
#include "spackext_testing/sample_deployment.hpp"

namespace ci_test {

inline spackext::DeployPlan sample_plan(const std::string& fail_node = "") {
  spackext::testing::TempDir tmp;
  return spackext::deploy::DeployPlanner().plan({spackext::testing::write_sample_deployment(tmp.path(), fail_node), {}, {}});
}

}  // namespace ci_test
