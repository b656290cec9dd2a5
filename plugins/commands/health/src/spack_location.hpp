// Where Spack is and which version it is, read from its checkout instead of
// running `spack --version` (a Python start-up of about a second).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace spackext::health {

struct SpackLocation {
  std::filesystem::path root;  // the checkout: bin/spack, lib/spack/spack/__init__.py
  std::string found_by;        // "SPACK_ROOT" or "PATH"
  std::string version;         // "1.1.0"; empty if the checkout does not say
};

// $SPACK_ROOT if set, else the checkout a `spack` on PATH lives in.
std::optional<SpackLocation> locate_spack();

// The version Spack's lib/spack/spack/__init__.py declares: `__version__ = "1.1.0"`
// (0.20 and later) or `spack_version_info = (0, 16, 2)` (older). Empty if neither.
std::string parse_spack_version(const std::string& init_py);

}  // namespace spackext::health
