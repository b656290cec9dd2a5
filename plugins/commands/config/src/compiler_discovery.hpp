// Finds compilers (GCC, LLVM/Clang, AOCC, Intel oneAPI, NVIDIA HPC SDK) on
// PATH and in given prefixes and asks each for its version, the way Spack's
// `compiler find` does.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "probe_cache.hpp"

namespace spackext::config {

struct DiscoveredCompiler {
  std::string package;      // Spack 1.x compiler package: gcc, llvm, aocc, intel-oneapi-compilers, nvhpc
  std::string legacy_name;  // Spack 0.x compiler name: gcc, clang, aocc, oneapi, nvhpc
  std::string version;      // as the compiler reports it: 12.2.0
  std::string variants;     // llvm: +clang~flang+lld~lldb; empty otherwise
  std::filesystem::path prefix;
  std::map<std::string, std::filesystem::path> languages;  // c, cxx, fortran

  // "gcc@12.2.0 languages:='c,c++,fortran'" — the external spec Spack 1.x writes.
  std::string external_spec() const;
  // "gcc@=12.2.0" — compilers.yaml (0.x) spelling.
  std::string legacy_spec() const;
  nlohmann::json to_json() const;
};

// Searches `prefixes` (each as <p>/bin and <p>) first, then PATH when
// `use_path`. One entry per compiler package and version.
std::vector<DiscoveredCompiler> discover_compilers(const std::vector<std::filesystem::path>& prefixes,
                                                   bool use_path = true,
                                                   ProbeCache* cache = nullptr);

// The version a compiler prints, parsed for `package` (exposed for tests).
std::string parse_compiler_version(const std::string& package, const std::string& banner);

}  // namespace spackext::config
