// `package create`: a new definition, NAME.yaml, that `package validate`
// accepts as written.
#pragma once

#include <string>
#include <vector>

namespace spackext::package {

struct NewDefinition {
  std::string name, family, version, description;
  std::vector<std::string> dependencies;  // spec strings
};

// Splits `--deps a,b@1.2:1.4,c` at the commas that start a new spec (a comma
// inside a version list, as in `b@1.2,1.4`, stays with its spec).
std::vector<std::string> split_dependency_list(const std::string& text);

// The YAML text; every value is quoted so YAML keeps it a string.
std::string definition_yaml(const NewDefinition& d);

}  // namespace spackext::package
