#include "known_packages.hpp"

#include <cstdlib>
#include <fstream>

#include "spackext/errors.hpp"

namespace spackext::package {
namespace fs = std::filesystem;
namespace {

bool read_repository(const fs::path& dir, KnownPackages& out) {
  std::error_code ec;
  fs::path packages = dir;
  if (fs::is_directory(dir / "packages", ec)) packages = dir / "packages";
  if (!fs::is_directory(packages, ec)) return false;
  for (const auto& e : fs::directory_iterator(packages, ec)) {
    if (e.is_directory(ec) && fs::exists(e.path() / "package.py", ec))
      out.names.insert(package_name_of_folder(e.path().filename().string()));
  }
  if (out.names.empty()) return false;
  out.source = packages.string();
  return true;
}

bool read_list(const fs::path& file, KnownPackages& out) {
  std::ifstream in(file);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    auto b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    out.names.insert(line.substr(b, line.find_last_not_of(" \t\r") - b + 1));
  }
  out.source = file.string();
  return true;
}

}  // namespace

std::string package_name_of_folder(const std::string& folder) {
  std::string name = folder;
  if (name.size() > 1 && name[0] == '_' && std::isdigit(static_cast<unsigned char>(name[1]))) name.erase(0, 1);
  for (auto& c : name)
    if (c == '_') c = '-';
  return name;
}

std::string folder_of_package_name(const std::string& name) {
  std::string folder = name;
  for (auto& c : folder)
    if (c == '-') c = '_';
  if (!folder.empty() && std::isdigit(static_cast<unsigned char>(folder[0]))) folder = "_" + folder;
  return folder;
}

KnownPackages find_known_packages(const std::optional<fs::path>& explicit_source, const fs::path& home) {
  KnownPackages out;
  std::error_code ec;
  if (explicit_source) {
    if (!fs::exists(*explicit_source, ec))
      throw InputError(explicit_source->string(), "no such file or folder (expected a package list or a Spack repository)");
    const bool ok = fs::is_directory(*explicit_source, ec) ? read_repository(*explicit_source, out)
                                                           : read_list(*explicit_source, out);
    if (!ok) throw InputError(explicit_source->string(), "not a package list or a Spack package repository");
    return out;
  }
  if (const char* root = std::getenv("SPACK_ROOT"); root && *root) {
    for (const auto& rel : {"var/spack/repos/spack_repo/builtin", "var/spack/repos/builtin"})
      if (read_repository(fs::path(root) / rel, out)) return out;
  }
  const fs::path clones = home / ".spack" / "package_repos";
  if (fs::is_directory(clones, ec)) {
    for (const auto& e : fs::directory_iterator(clones, ec))
      if (read_repository(e.path() / "repos" / "spack_repo" / "builtin", out)) return out;
  }
  return out;
}

}  // namespace spackext::package
