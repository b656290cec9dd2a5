#include "spack_location.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

namespace spackext::health {

namespace fs = std::filesystem;

std::string parse_spack_version(const std::string& init_py) {
  std::smatch m;
  static const std::regex dunder(R"re(^__version__\s*=\s*["']([^"']+)["'])re", std::regex::multiline);
  if (std::regex_search(init_py, m, dunder)) return m[1].str();
  static const std::regex info(R"re(^spack_version_info\s*=\s*\(([^)]*)\))re", std::regex::multiline);
  if (!std::regex_search(init_py, m, info)) return {};
  // (0, 16, 2) or ('0', '18', '0', 'dev'): numbers joined with dots, a
  // pre-release tag after a dash, as that era's spack_version did.
  std::string version, tag;
  static const std::regex part(R"re(['"]?([A-Za-z0-9]+)['"]?)re");
  const std::string inner = m[1].str();
  int n = 0;
  for (auto it = std::sregex_iterator(inner.begin(), inner.end(), part); it != std::sregex_iterator(); ++it, ++n) {
    if (n < 3) version += (n ? "." : "") + (*it)[1].str();
    else tag = (*it)[1].str();
  }
  return tag.empty() ? version : version + "-" + tag;
}

namespace {

std::string read_version(const fs::path& root) {
  std::ifstream in(root / "lib" / "spack" / "spack" / "__init__.py");
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_spack_version(text.str());
}

}  // namespace

std::optional<SpackLocation> locate_spack() {
  if (const char* env = std::getenv("SPACK_ROOT"); env && *env) {
    SpackLocation loc{fs::path(env), "SPACK_ROOT", {}};
    loc.version = read_version(loc.root);
    return loc;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    fs::path candidate = fs::path(dir) / "spack";
    if (::access(candidate.c_str(), X_OK) != 0) continue;
    std::error_code ec;
    // bin/spack may be a symlink (e.g. /usr/local/bin/spack): the checkout is
    // where it points.
    fs::path real = fs::canonical(candidate, ec);
    if (ec) continue;
    SpackLocation loc{real.parent_path().parent_path(), "PATH", {}};
    loc.version = read_version(loc.root);
    return loc;
  }
  return std::nullopt;
}

}  // namespace spackext::health
