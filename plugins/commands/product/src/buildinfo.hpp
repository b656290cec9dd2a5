// .spack/binary_distribution, the buildinfo Spack writes into every package
// tarball (shared/reference/spack-formats.md §1d): the prefix the package was
// built in, the prefixes of its dependencies, and which files hold them.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace spackext::product {

struct BuildInfo {
  std::string buildpath;        // the old install-tree root
  std::string relative_prefix;  // the package's prefix below it
  std::map<std::string, std::string> hash_to_prefix;  // DAG hash -> old prefix
  std::vector<std::string> relocate_binaries;  // below the prefix
  std::vector<std::string> relocate_textfiles;
  std::vector<std::string> relocate_links;

  std::string old_prefix() const { return buildpath + "/" + relative_prefix; }
};

inline constexpr const char* kBuildInfoMember = ".spack/binary_distribution";

// InputError naming the file (and line) when it is not Spack's buildinfo.
BuildInfo read_buildinfo(const std::filesystem::path& file);

}  // namespace spackext::product
