// The package names Spack knows, read from a builtin package repository when
// one is on this machine (Spack 1.x's spack_repo/builtin/packages, with its
// underscored folder names, or 0.x's var/spack/repos/builtin/packages), or
// from a plain list (one name a line). Without one, callers only warn.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>

namespace spackext::package {

struct KnownPackages {
  std::set<std::string> names;
  std::string source;  // where the names came from; empty when none was found
  bool available() const { return !source.empty(); }
  bool contains(const std::string& name) const { return names.count(name) > 0; }
};

// `explicit_source` (a list file or a repository folder) wins; otherwise
// $SPACK_ROOT's builtin repository, then the ones Spack 1.x clones under
// ~/.spack/package_repos/. An explicit source that cannot be read is an
// InputError.
KnownPackages find_known_packages(const std::optional<std::filesystem::path>& explicit_source,
                                  const std::filesystem::path& home);

// The package name of a repository folder: Spack 1.x writes `py-numpy` as
// `py_numpy` and names starting with a digit with a leading `_`.
std::string package_name_of_folder(const std::string& folder);
// The reverse, for writing a Spack 1.x (API v2) repository.
std::string folder_of_package_name(const std::string& name);

}  // namespace spackext::package
