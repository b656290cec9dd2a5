#include "tools_health_check.hpp"

#include <future>
#include <regex>

#include "pyenv_shim.hpp"

namespace spackext::config {

const std::vector<BuildTool>& build_tools() {
  // Banners as the Debian 12 tools print them.
  static const std::vector<BuildTool> tools = {
      {"make", {"--version"}, R"(GNU Make ([0-9][0-9.]*))"},
      {"cmake", {"--version"}, R"(cmake version ([0-9][0-9.]*))"},
      {"patch", {"--version"}, R"(patch ([0-9][0-9.]*))"},
      {"tar", {"--version"}, R"(tar\)? ([0-9][0-9.]*))"},
      {"gzip", {"--version"}, R"(gzip ([0-9][0-9.]*))"},
      // --version would also compress stdin; --help prints the same banner.
      {"bzip2", {"--help"}, R"(Version ([0-9][0-9.]*))"},
      {"xz", {"--version"}, R"(xz \(XZ Utils\) ([0-9][0-9.]*))"},
      {"unzip", {"-v"}, R"(UnZip ([0-9][0-9.]*))"},
      {"git", {"--version"}, R"(git version ([0-9][0-9.]*))"},
      {"python3", {"--version"}, R"(Python ([0-9][0-9.]*))"},
  };
  return tools;
}

std::string parse_tool_version(const BuildTool& tool, const std::string& banner) {
  std::smatch m;
  if (!std::regex_search(banner, m, std::regex(tool.pattern))) return {};
  std::string v = m[1].str();
  while (!v.empty() && v.back() == '.') v.pop_back();
  return v;
}

namespace {

HealthResult probe_tool(const BuildTool& tool, const std::vector<std::filesystem::path>& path, ProbeCache& cache) {
  HealthResult r{tool.name, HealthStatus::ok, "", "", nlohmann::json::object()};
  auto exe = find_executable(tool.name, path);
  if (!exe) {
    r.status = HealthStatus::fail;
    r.value = "not found on PATH";
    r.advice = "install " + tool.name + " (Spack calls it while fetching and building)";
    return r;
  }
  r.data["path"] = exe->string();
  // A pyenv shim answers through a shell and pyenv itself (0.1 s idle,
  // seconds under load): ask the program it selects, which is what Spack
  // would run from this folder.
  if (auto real = resolve_pyenv_shim(*exe, path)) {
    r.data["shim"] = exe->string();
    r.data["path"] = real->string();
    exe = real;
  }
  auto out = cache.capture(*exe, tool.args);
  if (!out || out->exit_code != 0) {
    r.status = HealthStatus::fail;
    r.value = exe->string() + (out ? " exits " + std::to_string(out->exit_code) + " on " + tool.args.front()
                                   : std::string(" did not start, or did not answer within 3 s"));
    r.advice = "reinstall " + tool.name + " or fix PATH";
    return r;
  }
  const std::string version = parse_tool_version(tool, out->text);
  r.data["version"] = version;
  r.value = (version.empty() ? std::string("version unknown") : version) + " at " + exe->string();
  if (version.empty()) {
    r.status = HealthStatus::warn;
    r.advice = "check that " + exe->string() + " is the real " + tool.name;
  } else if (tool.name == "python3") {
    int major = 0, minor = 0;
    // Spack 1.x runs on Python 3.6 and later.
    if (std::sscanf(version.c_str(), "%d.%d", &major, &minor) == 2 && (major < 3 || (major == 3 && minor < 6))) {
      r.status = HealthStatus::fail;
      r.advice = "Spack needs Python 3.6 or later; install a newer python3";
    }
  }
  return r;
}

}  // namespace

std::vector<HealthResult> ToolsHealthCheck::run(const HealthRequest&) {
  const auto path = path_directories();
  std::vector<std::future<HealthResult>> pending;
  for (const auto& tool : build_tools())
    pending.push_back(std::async(std::launch::async, [&tool, &path, this] { return probe_tool(tool, path, *cache_); }));
  std::vector<HealthResult> out;
  for (auto& f : pending) out.push_back(f.get());
  cache_->save();
  return out;
}

}  // namespace spackext::config
