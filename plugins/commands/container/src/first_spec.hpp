// The name and version of a container's first spec. Only this much of
// Spack's spec syntax is needed here (the SDK's full spec parser was not on
// main when this was written): the package name, and the version when it is
// one exact version ("@1.2", "@=1.2"); a range ("@1.2:") names no version.
#pragma once

#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

namespace spackext::container {

struct SpecHead {
  std::string name;     // "neurodamus-models"
  std::string version;  // "1.2"; empty if none or not exact
};

std::optional<SpecHead> parse_spec_head(const std::string& spec);

// The version of `name` required in a spack `packages:` section
// (`require: "@6.2"`, or a list whose first string does), as spacktainers'
// users pin versions; empty if none.
std::string required_version(const YAML::Node& packages, const std::string& name);

}  // namespace spackext::container
