// Where Spack installs a spec: config.yaml `install_tree` (root and
// projections), spack-formats.md §5. Externals live at their own prefix.
#pragma once

#include <map>
#include <string>

#include "spackext/spack/concrete_spec.hpp"

namespace spackext::spack {

struct InstallLayout {
  // Spack 1.x's default projection.
  static constexpr const char* kDefaultProjection = "{architecture.platform}-{architecture.target}/{name}-{version}-{hash}";

  std::string root;                                // install_tree.root
  std::map<std::string, std::string> projections;  // spec name or "all" -> format

  // The install prefix of `spec`: its external prefix, else root/projection.
  std::string prefix_for(const ConcreteSpec& spec) const;
};

}  // namespace spackext::spack
