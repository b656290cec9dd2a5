// The module tarball's content: one Lmod and one Tcl module per packed spec,
// rendered by the `modules` writers found in the registry, relocatable
// through the product's prefix variable (${NAME:-default prefix}).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <spackext/registry.hpp>
#include <spackext/spack/spec_set.hpp>

#include "staged_spec.hpp"

namespace spackext::product {

struct ModuleBundleRequest {
  const spack::SpecSet* specs = nullptr;
  const std::vector<StagedSpec>* staged = nullptr;
  std::filesystem::path software;  // the staged software folder (for prefix inspections)
  std::string prefix_variable;
  std::string default_prefix;
};

// Writes <out>/lmod/... and <out>/tcl/...; returns the files written (relative).
std::vector<std::string> write_product_modules(Registry& registry, const ModuleBundleRequest& request,
                                               const std::filesystem::path& out);

}  // namespace spackext::product
