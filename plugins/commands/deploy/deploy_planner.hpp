// The `planner` service of the deploy plugin: the plan `deploy run` would
// execute (matrix expanded, per-toolchain edges, commands, environment,
// resources, retries, artifact folders), as the SDK's DeployPlan, so
// `ci generate` and third-party tools get it without linking this plugin.
#pragma once

#include "build_graph.hpp"
#include "deploy_spec.hpp"
#include "spackext/services/planner.hpp"

namespace spackext::deploy {

// The plan of `spec`'s stages (or only `only`). Paths inside the
// deployment's folder (environments, artifacts) are made relative to it, so
// the plan runs wherever the folder is checked out.
DeployPlan make_plan(const DeploySpec& spec, const std::set<std::string>& only = {});
// The plan of a graph file: one job per node, `spack install NAME`, grouped
// into a stage per tier.
DeployPlan make_plan(const BuildGraph& graph, const std::string& name, const std::string& source);

class DeployPlanner final : public Planner {
 public:
  DeployPlan plan(const PlanRequest& request) override;
};

}  // namespace spackext::deploy
