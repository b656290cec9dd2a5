// The Spack 1.x packages.yaml that `optimize generate` writes: the target
// preference under `all`, the compiler as a preference, and one requirement
// per package from the build profiles. Spec strings are always quoted so that
// e.g. `python@3.11:` can never turn into a YAML map.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "build_profiles.hpp"
#include "compiler_spec.hpp"

namespace spackext::optimize {

struct PackagesYamlRequest {
  std::string target;
  std::optional<CompilerSpec> compiler;
  std::string compiler_flags;  // what the compiler will be given, for the header comment
  BuildProfiles profiles;
};

std::string render_packages_yaml(const PackagesYamlRequest& request);

// Writes `content` to `file` through a temporary file in the same folder and
// a rename, so readers never see half a file. Missing folder: InputError.
void write_file_atomically(const std::filesystem::path& file, const std::string& content);

}  // namespace spackext::optimize
