// Turns a deploy.yaml into the DAG of builds. A stage with a `matrix`
// becomes one node per combination of its axes (compilers x MPIs x libraries or apps);
// a node waits for the nodes of each stage it depends on that agree with it
// on the axes both stages share, so each toolchain only waits for its own
// compiler and MPI ("per-toolchain dependencies").
#pragma once

#include <set>
#include <string>

#include "build_graph.hpp"
#include "deploy_spec.hpp"

namespace spackext::deploy {

// The singular key of an axis in BuildNode::axes ("compilers" -> "compiler",
// "libraries" -> "library").
std::string axis_key(const std::string& axis);

// Expands every stage, or only `only` when it is non-empty (dependencies on
// stages outside the selection count as satisfied). Node groups are the
// stages, in file order; durations are the stages' estimates (1 min if none).
BuildGraph expand_stages(const DeploySpec& spec, const std::set<std::string>& only = {});

}  // namespace spackext::deploy
