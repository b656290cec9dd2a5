// One spec of a product while it is packed: its node, its old prefix and
// buildinfo, and the folder its files now sit in below the product root.
#pragma once

#include <string>

#include <spackext/spack/concrete_spec.hpp>

#include "buildinfo.hpp"

namespace spackext::product {

struct StagedSpec {
  const spack::ConcreteSpec* spec = nullptr;
  std::string dir;         // <name>-<version>-<hash>, below the product root
  std::string old_prefix;  // where it was installed when it was built
  BuildInfo info;
  std::string tarball_sha256;
  std::string signer;
};

inline std::string product_dir_name(const spack::ConcreteSpec& s) { return s.name + "-" + s.version + "-" + s.hash; }

}  // namespace spackext::product
