#include <cstdlib>
#include <fstream>
#include <sstream>

#include "spackext_testing/testing.hpp"

namespace spackext::testing {
namespace {
fs::path from_env(const char* name, const char* built_in) {
  const char* v = std::getenv(name);
  return v && *v ? fs::path(v) : fs::path(built_in);
}
}  // namespace

std::optional<fs::path> shared_dir() {
  fs::path dir = from_env("SPACKEXT_SHARED_DIR", SPACKEXT_DEFAULT_SHARED_DIR);
  if (!fs::is_directory(dir)) return std::nullopt;
  return dir;
}

std::optional<fs::path> shared_fixture(const std::string& relative) {
  auto dir = shared_dir();
  if (!dir || !fs::exists(*dir / relative)) return std::nullopt;
  return *dir / relative;
}

fs::path source_dir() { return from_env("SPACKEXT_SOURCE_DIR", SPACKEXT_DEFAULT_SOURCE_DIR); }
fs::path build_dir() { return from_env("SPACKEXT_BUILD_DIR", SPACKEXT_DEFAULT_BUILD_DIR); }
fs::path host_binary() { return from_env("SPACKEXT_HOST_BINARY", SPACKEXT_DEFAULT_HOST_BINARY); }
fs::path plugin_dir() { return from_env("SPACKEXT_PLUGIN_DIR", SPACKEXT_DEFAULT_PLUGIN_DIR); }
fs::path kill_hook_library() { return from_env("SPACKEXT_KILL_HOOK", SPACKEXT_DEFAULT_KILL_HOOK); }

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& content) {
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

}  // namespace spackext::testing
