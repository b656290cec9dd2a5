// `ci generate`: asks the `planner` service for the deployment plan, hands
// it to the chosen `ci` backend and writes what the backend rendered, all
// files or none. Neither the planner (the deploy plugin) nor the backends
// are linked: both are found in the registry by name.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "spackext/registry.hpp"
#include "spackext/services/ci.hpp"
#include "spackext/services/planner.hpp"

namespace spackext::ci {

struct GenerateRequest {
  PlanRequest plan;
  std::string backend;
  CiOptions options;              // options.output: where to write ("" = stdout when one file)
  bool orchestrate = false;       // one job per stage running `spack-ext deploy run --stages NAME`
  std::string host_command = "spack-ext";
};

struct GenerateResult {
  DeployPlan plan;                // what was rendered (after --orchestrate)
  CiRendering rendering;
  std::vector<std::filesystem::path> written;  // empty when printed
};

// One job per stage that runs the stage through `deploy run --stages`, so
// the CI engine only orchestrates and spack-ext schedules the stage's builds.
DeployPlan stage_plan(const DeployPlan& plan, const std::string& host_command);

GenerateResult generate_pipeline(Registry& registry, const GenerateRequest& request);

}  // namespace spackext::ci
