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

// One compiler found by the name of its C driver; `suffix` is a version
// suffix distributions add (gcc-13, clang-17), carried to g++-13 etc.
struct Candidate {
  const Family* family;
  fs::path dir;
  std::string suffix;
};

std::optional<DiscoveredCompiler> probe(const Candidate& candidate, ProbeCache& cache) {
  const Family& family = *candidate.family;
  const fs::path& dir = candidate.dir;
  const std::string& suffix = candidate.suffix;
  const fs::path c = dir / (family.c + suffix);
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
  if (executable(dir / (family.cxx + suffix))) found.languages["cxx"] = dir / (family.cxx + suffix);
  fs::path fortran = dir / (family.fortran + suffix);
  if (family.package == "llvm" && !executable(fortran)) fortran = dir / ("flang-new" + suffix);
  if (executable(fortran)) found.languages["fortran"] = fortran;
  if (found.package == "llvm") {
    found.variants = std::string("+clang") + (found.languages.count("fortran") ? "+flang" : "~flang") +
                     (executable(dir / ("ld.lld" + suffix)) ? "+lld" : "~lld") +
                     (executable(dir / ("lldb" + suffix)) ? "+lldb" : "~lldb");
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
  // The same binary reached twice (/bin and /usr/bin on a merged-/usr
  // system, gcc and gcc-12 on Debian) counts once.
  // "gcc-13" -> {"gcc", "-13"}; cheap checks, /usr/bin has thousands of entries.
  auto versioned = [](const std::string& name) -> std::optional<std::pair<std::string, std::string>> {
    for (const char* driver : {"gcc-", "clang-"}) {
      const std::string prefix = driver;
      if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
      const std::string version = name.substr(prefix.size());
      if (!std::isdigit(static_cast<unsigned char>(version[0])) ||
          version.find_first_not_of("0123456789.") != std::string::npos) {
        continue;
      }
      return std::pair{prefix.substr(0, prefix.size() - 1), "-" + version};
    }
    return std::nullopt;
  };
  std::vector<Candidate> candidates;
  std::set<fs::path> seen;
  auto consider = [&](const Family& family, const fs::path& dir, const std::string& suffix) {
    std::error_code ec;
    fs::path c = dir / (family.c + suffix);
    if (!fs::exists(c, ec)) return;
    if (!seen.insert(fs::canonical(c, ec)).second) return;
    candidates.push_back({&family, dir, suffix});
  };
  for (const auto& dir : dirs) {
    for (const auto& family : families()) consider(family, dir, "");
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      auto split = versioned(entry.path().filename().string());
      if (!split) continue;
      for (const auto& family : families()) {
        if (family.c == split->first) consider(family, dir, split->second);
      }
    }
  }
  // Compilers answer in a few ms each; ask them all at once.
  std::vector<std::future<std::optional<DiscoveredCompiler>>> pending;
  for (const auto& candidate : candidates) {
    pending.push_back(std::async(std::launch::async, [candidate, &versions] { return probe(candidate, versions); }));
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
