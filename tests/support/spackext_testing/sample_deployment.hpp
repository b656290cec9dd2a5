// A small deployment whose stages really run (shell commands, no Spack): 2
// compilers x 2 MPIs, artifacts and env files passed between stages, and a
// `tests:` stage with the MPI test resources of the case study. Used by the
// deploy planner and `ci generate` tests, which run it on real CI tools.
#pragma once

#include <filesystem>
#include <string>

#include "spackext_testing/testing.hpp"

namespace spackext::testing {

// `fail_node` (e.g. "mpi/clang@18/mpich@4") makes that one build fail.
inline std::string sample_deploy_yaml(const std::string& fail_node = "") {
  std::string fail = fail_node.empty() ? "" : "      - test \"$SPACKEXT_NODE\" != '" + fail_node + "'\n";
  return "deployment:\n"
         "  name: ci-sample\n"
         "matrix:\n"
         "  compilers: [gcc@14.2, clang@18]\n"
         "  mpis: [openmpi@5, mpich@4]\n"
         "stages:\n"
         "  - name: compilers\n"
         "    matrix: [compilers]\n"
         "    run:\n"
         "      - echo {compiler} > \"$SPACKEXT_ARTIFACTS/compiler.txt\"\n"
         "      - echo COMPILER_BUILT={compiler} > \"$SPACKEXT_ARTIFACTS/env\"\n"
         "  - name: mpi\n"
         "    depends: [compilers]\n"
         "    matrix: [compilers, mpis]\n"
         "    resources: {cpus: 4, memory: 8G, time: \"01:00:00\"}\n"
         "    retries: 1\n"
         "    retry_backoff: 1\n"
         "    run:\n" + fail +
         "      - test \"$COMPILER_BUILT\" = {compiler}\n"
         "      - cat \"$SPACKEXT_INPUTS/compiler.txt\" > \"$SPACKEXT_ARTIFACTS/built-with.txt\"\n"
         "      - echo {mpi} >> \"$SPACKEXT_ARTIFACTS/built-with.txt\"\n"
         "tests:\n"
         "  - name: mpi-tests\n"
         "    depends: [mpi]\n"
         "    matrix: [compilers, mpis]\n"
         "    resources: {cpus: 16, memory: 48G, shm: 32G}\n"
         "    run:\n"
         "      - grep -q {mpi} \"$SPACKEXT_INPUTS/built-with.txt\"\n"
         "      - echo tested > \"$SPACKEXT_ARTIFACTS/tested.txt\"\n";
}

inline std::filesystem::path write_sample_deployment(const std::filesystem::path& dir, const std::string& fail_node = "") {
  write_file(dir / "deploy.yaml", sample_deploy_yaml(fail_node));
  return dir / "deploy.yaml";
}

}  // namespace spackext::testing
