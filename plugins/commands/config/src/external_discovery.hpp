// Finds build tools and system packages Spack should use as externals
// (cmake, gmake, perl, openssl, slurm, python, MPI, ...) by running them and
// reading their version banners.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "probe_cache.hpp"

namespace spackext::config {

struct DiscoveredExternal {
  std::string package;  // Spack package name
  std::string version;
  std::filesystem::path prefix;
  bool buildable = true;  // false for things that must come from the system (slurm)
  std::string spec() const { return package + "@" + version; }
  nlohmann::json to_json() const;
};

// Probes every known tool in `extra_dirs` first, then PATH. One entry per package.
std::vector<DiscoveredExternal> discover_externals(const std::vector<std::filesystem::path>& extra_dirs,
                                                   bool use_path = true,
                                                   ProbeCache* cache = nullptr);

// The version in a banner for `package` (exposed for tests); empty if none.
std::string parse_external_version(const std::string& package, const std::string& banner);

}  // namespace spackext::config
