#include "external_discovery.hpp"

#include <future>
#include <map>
#include <optional>
#include <regex>

#include "process_capture.hpp"
#include "probe_cache.hpp"

namespace spackext::config {

namespace fs = std::filesystem;

namespace {

struct Probe {
  std::string package;
  std::string executable;
  std::vector<std::string> args;
  std::string pattern;  // first group is the version
  bool buildable = true;
};

// Spack package names; banners as the Debian 12 / vendor tools print them.
const std::vector<Probe>& probes() {
  static const std::vector<Probe> p = {
      {"cmake", "cmake", {"--version"}, R"(cmake version ([0-9][0-9.]*))"},
      {"gmake", "make", {"--version"}, R"(GNU Make ([0-9][0-9.]*))"},
      {"ninja", "ninja", {"--version"}, R"(^([0-9][0-9.]*))"},
      {"perl", "perl", {"--version"}, R"(\(v([0-9][0-9.]*)\))"},
      {"openssl", "openssl", {"version"}, R"(OpenSSL ([0-9]+\.[0-9]+\.[0-9]+[a-z]?))"},
      {"git", "git", {"--version"}, R"(git version ([0-9][0-9.]*))"},
      {"curl", "curl", {"--version"}, R"(^curl ([0-9][0-9.]*))"},
      {"autoconf", "autoconf", {"--version"}, R"(GNU Autoconf\) ([0-9][0-9.]*))"},
      {"automake", "automake", {"--version"}, R"(GNU automake\) ([0-9][0-9.]*))"},
      {"libtool", "libtool", {"--version"}, R"(GNU libtool\) ([0-9][0-9.]*))"},
      {"m4", "m4", {"--version"}, R"(GNU M4\) ([0-9][0-9.]*))"},
      {"bison", "bison", {"--version"}, R"(GNU Bison\) ([0-9][0-9.]*))"},
      {"flex", "flex", {"--version"}, R"(flex ([0-9][0-9.]*))"},
      {"pkgconf", "pkgconf", {"--version"}, R"(^([0-9][0-9.]*))"},
      {"tar", "tar", {"--version"}, R"(GNU tar\) ([0-9][0-9.]*))"},
      {"binutils", "ld", {"--version"}, R"(GNU ld .* ([0-9]+\.[0-9]+(\.[0-9]+)?)\s*$)"},
      // The interpreter reports its version and real prefix (PATH may hold a shim).
      {"python", "python3", {"-S", "-c", "import sys; print(sys.version.split()[0]); print(sys.prefix)"},
       R"(^([0-9][0-9.]*))"},
      {"slurm", "sinfo", {"--version"}, R"(slurm(?:-wlm)? ([0-9][0-9.]*))", false},
      {"openmpi", "ompi_info", {"--version"}, R"(Open MPI v([0-9][0-9.]*))"},
      {"mpich", "mpichversion", {}, R"(MPICH Version:\s*([0-9][0-9.]*))"},
      {"libfabric", "fi_info", {"--version"}, R"(libfabric: ([0-9][0-9.]*))"},
  };
  return p;
}

std::optional<DiscoveredExternal> run_probe(const Probe& probe, const fs::path& exe, ProbeCache& cache) {
  auto out = cache.capture(exe, probe.args);
  if (!out || out->exit_code != 0) return std::nullopt;
  DiscoveredExternal found;
  found.package = probe.package;
  found.version = parse_external_version(probe.package, out->text);
  if (found.version.empty()) return std::nullopt;
  found.prefix = exe.parent_path().parent_path();
  found.buildable = probe.buildable;
  if (probe.package == "python") {
    auto nl = out->text.find('\n');
    std::string prefix = out->text.substr(nl + 1);
    while (!prefix.empty() && std::isspace(static_cast<unsigned char>(prefix.back()))) prefix.pop_back();
    if (!prefix.empty()) found.prefix = prefix;
  }
  return found;
}

}  // namespace

std::string parse_external_version(const std::string& package, const std::string& banner) {
  for (const auto& probe : probes()) {
    if (probe.package != package) continue;
    std::smatch m;
    if (std::regex_search(banner, m, std::regex(probe.pattern, std::regex::multiline))) return m[1].str();
  }
  return {};
}

nlohmann::json DiscoveredExternal::to_json() const {
  return {{"package", package}, {"version", version}, {"prefix", prefix.string()},
          {"spec", spec()}, {"buildable", buildable}};
}

std::vector<DiscoveredExternal> discover_externals(const std::vector<fs::path>& extra_dirs, bool use_path,
                                                   ProbeCache* cache) {
  ProbeCache uncached;
  ProbeCache& versions = cache ? *cache : uncached;
  std::vector<fs::path> dirs = extra_dirs;
  if (use_path) {
    auto path = path_directories();
    dirs.insert(dirs.end(), path.begin(), path.end());
  }
  std::vector<std::future<std::optional<DiscoveredExternal>>> pending;
  for (const auto& probe : probes()) {
    auto exe = find_executable(probe.executable, dirs);
    if (!exe) continue;
    pending.push_back(std::async(std::launch::async, [&probe, &versions, exe = *exe] { return run_probe(probe, exe, versions); }));
  }
  std::vector<DiscoveredExternal> result;
  for (auto& f : pending) {
    if (auto found = f.get()) result.push_back(*found);
  }
  return result;
}

}  // namespace spackext::config
