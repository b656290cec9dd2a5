#include "compiler_discovery.hpp"

#include <future>
#include <optional>
#include <regex>
#include <set>

#include "process_capture.hpp"
#include "probe_cache.hpp"

namespace spackext::config {

namespace fs = std::filesystem;

namespace {

// One compiler toolchain as it appears in a bin directory.
struct Family {
  std::string package;
  std::string legacy_name;
  std::string c, cxx, fortran;       // executable names
  std::vector<std::string> version_args;
};

const std::vector<Family>& families() {
  static const std::vector<Family> f = {
      {"gcc", "gcc", "gcc", "g++", "gfortran", {"-dumpfullversion"}},
      // clang is llvm or AOCC: the banner tells them apart.
      {"llvm", "clang", "clang", "clang++", "flang", {"--version"}},
      {"intel-oneapi-compilers", "oneapi", "icx", "icpx", "ifx", {"--version"}},
      {"nvhpc", "nvhpc", "nvc", "nvc++", "nvfortran", {"--version"}},
  };
  return f;
}

bool executable(const fs::path& p) { return find_executable(p.filename(), {p.parent_path()}).has_value(); }

std::optional<DiscoveredCompiler> probe(const Family& family, const fs::path& dir, ProbeCache& cache) {
  const fs::path c = dir / family.c;
  if (!executable(c)) return std::nullopt;
  auto out = cache.capture(c, family.version_args);
  if (!out || out->exit_code != 0) return std::nullopt;
  DiscoveredCompiler found;
  found.package = family.package;
  found.legacy_name = family.legacy_name;
  if (family.package == "llvm" && out->text.find("AOCC") != std::string::npos) {
    found.package = found.legacy_name = "aocc";
  }
  found.version = parse_compiler_version(found.package, out->text);
  if (found.version.empty()) return std::nullopt;
  found.prefix = dir.parent_path();
  found.languages["c"] = c;
  if (executable(dir / family.cxx)) found.languages["cxx"] = dir / family.cxx;
  fs::path fortran = dir / family.fortran;
  if (family.package == "llvm" && !executable(fortran)) fortran = dir / "flang-new";
  if (executable(fortran)) found.languages["fortran"] = fortran;
  if (found.package == "llvm") {
    found.variants = std::string("+clang") + (found.languages.count("fortran") ? "+flang" : "~flang") +
                     (executable(dir / "ld.lld") ? "+lld" : "~lld") +
                     (executable(dir / "lldb") ? "+lldb" : "~lldb");
  }
  return found;
}

}  // namespace

std::string parse_compiler_version(const std::string& package, const std::string& banner) {
  static const std::map<std::string, std::regex> patterns = {
      {"gcc", std::regex(R"(^\s*([0-9]+(\.[0-9]+)*))")},
      {"llvm", std::regex(R"(clang version ([0-9]+(\.[0-9]+)*))")},
      {"aocc", std::regex(R"(AOCC[_-]([0-9]+(\.[0-9]+)*))")},
      {"intel-oneapi-compilers", std::regex(R"(Compiler ([0-9]{4}(\.[0-9]+)*))")},
      {"nvhpc", std::regex(R"(nv[a-z+]* ([0-9]+\.[0-9]+))")},
  };
  auto it = patterns.find(package);
  std::smatch m;
  if (it == patterns.end() || !std::regex_search(banner, m, it->second)) return {};
  return m[1].str();
}

std::string DiscoveredCompiler::external_spec() const {
  std::string spec = package + "@" + version + variants;
  if (package == "gcc") {
    std::string langs;
    for (const auto& [lang, spelled] : {std::pair{"c", "c"}, {"cxx", "c++"}, {"fortran", "fortran"}}) {
      if (languages.count(lang)) langs += (langs.empty() ? "" : ",") + std::string(spelled);
    }
    spec += " languages:='" + langs + "'";
  }
  return spec;
}

std::string DiscoveredCompiler::legacy_spec() const { return legacy_name + "@=" + version; }

nlohmann::json DiscoveredCompiler::to_json() const {
  nlohmann::json langs = nlohmann::json::object();
  for (const auto& [lang, path] : languages) langs[lang] = path.string();
  return {{"package", package}, {"name", legacy_name}, {"version", version},
          {"prefix", prefix.string()}, {"spec", external_spec()}, {"languages", langs}};
}

std::vector<DiscoveredCompiler> discover_compilers(const std::vector<fs::path>& prefixes, bool use_path,
                                                   ProbeCache* cache) {
  ProbeCache uncached;
  ProbeCache& versions = cache ? *cache : uncached;
  std::vector<fs::path> dirs;
  for (const auto& p : prefixes) {
    dirs.push_back(p / "bin");
    dirs.push_back(p);
  }
  if (use_path) {
    auto path = path_directories();
    dirs.insert(dirs.end(), path.begin(), path.end());
  }
  // The same binary reached twice (/bin and /usr/bin on a merged-/usr system) counts once.
  std::vector<std::pair<const Family*, fs::path>> candidates;
  std::set<fs::path> seen;
  for (const auto& dir : dirs) {
    for (const auto& family : families()) {
      std::error_code ec;
      fs::path c = dir / family.c;
      if (!fs::exists(c, ec)) continue;
      if (!seen.insert(fs::canonical(c, ec)).second) continue;
      candidates.emplace_back(&family, dir);
    }
  }
  // Compilers answer in a few ms each; ask them all at once.
  std::vector<std::future<std::optional<DiscoveredCompiler>>> pending;
  for (const auto& [family, dir] : candidates) {
    pending.push_back(std::async(std::launch::async, [family = family, dir = dir, &versions] { return probe(*family, dir, versions); }));
  }
  std::vector<DiscoveredCompiler> result;
  std::set<std::string> keys;
  for (auto& f : pending) {
    auto found = f.get();
    if (found && keys.insert(found->package + "@" + found->version).second) result.push_back(*found);
  }
  return result;
}

}  // namespace spackext::config
