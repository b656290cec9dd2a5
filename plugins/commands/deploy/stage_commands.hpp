// What a node runs: the stage's `run` commands with placeholders filled in,
// or, when it has none, Spack's commands for the stage's environment.
//
// Placeholders: {spack} {env} {spec} {compiler} {mpi} {library} {app} {stage} {node}.
// Defaults: a plain stage concretizes and installs its environment
//   spack -e ENV concretize -f && spack -e ENV install
// a matrix node installs its own combination from the environment (whose
// spack.yaml lists the matrix): spack -e ENV concretize; spack -e ENV install SPEC
// where SPEC is "app %compiler ^mpi" (likewise for a library, or "mpi %compiler",
// or "compiler").
//
// A stage whose environment is a manifest file (environments/compilers.yaml)
// first makes its environment folder from it with `spack env create -d`
// (which rewrites the manifest's relative paths), keeping the folder's lock
// and view from earlier runs. A stage without `run` in a deployment that
// propagates Spack configuration files (artifacts.propagate: [packages.yaml])
// ends by exporting each such section as its environment sees it
// (`spack -e ENV config get packages > $SPACKEXT_ARTIFACTS/packages.yaml`).
// `scopes` are the config scopes of the node's dependencies: every Spack
// command ({spack} too) gets them as `-C DIR`, nearest dependency last
// (highest precedence).
#pragma once

#include <string>
#include <vector>

#include "build_graph.hpp"
#include "deploy_spec.hpp"
#include "spackext/services/ci.hpp"

namespace spackext::deploy {

using spackext::shell_quote;  // the SDK's, shared with the CI backends
std::string node_spec(const BuildNode& node);
// What every node runs before its own commands: create its artifact folder
// ($SPACKEXT_ARTIFACTS) and, with `propagate`, source the `env` files
// (KEY=VALUE lines) its dependencies left in theirs ($SPACKEXT_INPUTS).
std::vector<std::string> node_preamble(bool propagate);
std::vector<std::string> node_commands(const DeploySpec& spec, const StageSpec& stage,
                                       const BuildNode& node, const std::vector<std::string>& scopes = {});

}  // namespace spackext::deploy
