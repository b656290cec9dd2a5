// `package env-create`: a Spack environment (spack.yaml) for a family. Each
// package becomes a root spec with the chosen profile's variants and flags;
// its dependencies become roots too, so the environment pins what the
// definitions ask for; per-compiler flags become `require` entries with
// `when: "%<compiler>"`; compatibility ranges of every package are
// intersected per dependency and written as `require: ["@low:high"]`
// (ranges that admit no common version are an error naming both packages);
// the target goes under `packages: all: require`.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "package_definition.hpp"

namespace spackext::package {

struct EnvironmentRequest {
  std::string family;
  std::string profile;  // empty: no profile
  std::string target;   // empty: no target requirement
  std::optional<std::filesystem::path> repo;  // the generated repository to reference
  std::string repo_namespace;
};

struct EnvironmentResult {
  std::string yaml;
  std::vector<std::string> specs;
  std::vector<std::string> warnings;  // packages without the requested profile, ...
};

EnvironmentResult build_environment(const std::vector<PackageDefinition>& family, const EnvironmentRequest& request);

}  // namespace spackext::package
