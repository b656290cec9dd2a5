#include "pyenv_shim.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "process_capture.hpp"

namespace spackext::config {
namespace fs = std::filesystem;
namespace {

std::string head_of(const fs::path& file, std::size_t limit) {
  std::ifstream in(file, std::ios::binary);
  std::string text(limit, '\0');
  in.read(text.data(), static_cast<std::streamsize>(limit));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// The words of a version file; '#' starts a comment (pyenv-version-file-read).
std::vector<std::string> version_words(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> words;
  for (std::string line; std::getline(in, line);) {
    std::istringstream ws(line.substr(0, line.find('#')));
    for (std::string w; ws >> w;) words.push_back(w);
  }
  return words;
}

std::vector<std::string> selected_versions(const fs::path& root) {
  if (const char* v = std::getenv("PYENV_VERSION"); v && *v) {
    std::vector<std::string> words;
    std::string list(v);
    for (auto& c : list)
      if (c == ':') c = ' ';
    std::istringstream ws(list);
    for (std::string w; ws >> w;) words.push_back(w);
    return words;
  }
  std::error_code ec;
  const char* dir = std::getenv("PYENV_DIR");
  for (fs::path d = dir && *dir ? fs::path(dir) : fs::current_path(ec); !d.empty(); d = d.parent_path()) {
    if (fs::is_regular_file(d / ".python-version", ec)) return version_words(d / ".python-version");
    if (d == d.parent_path()) break;
  }
  if (fs::is_regular_file(root / "version", ec)) return version_words(root / "version");
  return {"system"};
}

bool is_executable_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<fs::path> resolve_pyenv_shim(const fs::path& shim, const std::vector<fs::path>& path) {
  // pyenv writes its root into every shim: `export PYENV_ROOT="..."` before
  // `exec ".../libexec/pyenv" exec "$program"`.
  const std::string text = head_of(shim, 4096);
  static const std::regex root_line(R"re(export PYENV_ROOT="([^"]+)")re");
  std::smatch m;
  if (text.rfind("#!", 0) != 0 || text.find("pyenv\" exec") == std::string::npos ||
      !std::regex_search(text, m, root_line))
    return std::nullopt;
  // A PYENV_ROOT in the environment is what the shim's own export replaces.
  const fs::path root = m[1].str();
  const std::string name = shim.filename().string();
  const auto versions = selected_versions(root);
  if (versions.empty()) return std::nullopt;
  std::error_code ec;
  const fs::path shims = fs::weakly_canonical(root / "shims", ec);
  for (const auto& v : versions) {
    if (v == "system") {
      std::vector<fs::path> rest;
      for (const auto& d : path)
        if (fs::weakly_canonical(d, ec) != shims) rest.push_back(d);
      if (auto exe = find_executable(name, rest)) return exe;
      continue;
    }
    // Exactly an installed version, or pyenv's own expansion is needed.
    if (!fs::is_directory(root / "versions" / v, ec)) return std::nullopt;
    if (const auto exe = root / "versions" / v / "bin" / name; is_executable_file(exe)) return exe;
  }
  return std::nullopt;  // pyenv would say "command not found": let the shim say so
}

}  // namespace spackext::config
