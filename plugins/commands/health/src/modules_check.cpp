#include "modules_check.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace spackext::health {

namespace fs = std::filesystem;

namespace {

std::string read_head(const fs::path& file, std::size_t limit) {
  std::ifstream in(file, std::ios::binary);
  std::string text(limit, '\0');
  in.read(text.data(), static_cast<std::streamsize>(limit));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

bool executable_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), R_OK) == 0;
}

std::optional<ModuleSystem> lmod_at(const fs::path& lmod, std::string found_by, EnvLookup env) {
  if (!executable_file(lmod)) return std::nullopt;
  ModuleSystem m{"Lmod", lmod, {}, std::move(found_by)};
  // Lmod's init exports LMOD_VERSION; Version.lua sits beside the command.
  if (auto v = env("LMOD_VERSION")) m.version = *v;
  if (m.version.empty()) m.version = parse_lmod_version(read_head(lmod.parent_path() / "Version.lua", 4096));
  return m;
}

std::optional<ModuleSystem> modules_at(const fs::path& cmd, std::string found_by) {
  if (!executable_file(cmd)) return std::nullopt;
  // The version is set near the top of the (large) script.
  return ModuleSystem{"Environment Modules", cmd, parse_modules_version(read_head(cmd, 256 * 1024)),
                      std::move(found_by)};
}

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

std::string parse_lmod_version(const std::string& version_lua) {
  static const std::regex re(R"re(["']([0-9]+\.[0-9]+(?:\.[0-9]+)*))re");
  std::smatch m;
  return std::regex_search(version_lua, m, re) ? m[1].str() : std::string();
}

std::string parse_modules_version(const std::string& modulecmd_tcl) {
  static const std::regex re(R"re(set\s+MODULES_CURRENT_VERSION\s+[{"]?([0-9][0-9A-Za-z.\-]*))re");
  std::smatch m;
  return std::regex_search(modulecmd_tcl, m, re) ? m[1].str() : std::string();
}

std::optional<ModuleSystem> find_module_system(EnvLookup env) {
  // What the shell has initialised wins over what is merely installed.
  if (auto cmd = env("LMOD_CMD"); cmd && !cmd->empty())
    if (auto m = lmod_at(*cmd, "LMOD_CMD", env)) return m;
  if (auto cmd = env("MODULES_CMD"); cmd && !cmd->empty())
    if (auto m = modules_at(*cmd, "MODULES_CMD")) return m;
  if (auto home = env("MODULESHOME"); home && !home->empty()) {
    // Lmod sets MODULESHOME to its own tree too.
    if (auto m = lmod_at(fs::path(*home) / "libexec" / "lmod", "MODULESHOME", env)) return m;
    if (auto m = modules_at(fs::path(*home) / "libexec" / "modulecmd.tcl", "MODULESHOME")) return m;
  }
  for (const char* p : {"/usr/share/lmod/lmod/libexec/lmod", "/opt/apps/lmod/lmod/libexec/lmod"})
    if (auto m = lmod_at(p, "default location", env)) return m;
  for (const char* p : {"/usr/lib/x86_64-linux-gnu/modulecmd.tcl", "/usr/lib/aarch64-linux-gnu/modulecmd.tcl",
                        "/usr/share/modules/libexec/modulecmd.tcl"})
    if (auto m = modules_at(p, "default location")) return m;
  return std::nullopt;
}

std::vector<HealthResult> check_modulepath(const std::optional<std::string>& modulepath) {
  std::vector<HealthResult> out;
  if (!modulepath || modulepath->empty()) {
    out.push_back({"MODULEPATH", HealthStatus::warn, "not set",
                   "load the module system's init script (or /etc/profile) and add the folders of your "
                   "module trees, e.g. `module use <root>/Core`",
                   nlohmann::json::object()});
    return out;
  }
  std::set<std::string> seen;
  std::vector<std::string> entries;
  std::stringstream ss(*modulepath);
  int empties = 0;
  for (std::string entry; std::getline(ss, entry, ':');) {
    if (entry.empty()) {
      ++empties;
      continue;
    }
    entries.push_back(entry);
    std::error_code ec;
    if (!seen.insert(entry).second) {
      out.push_back({"MODULEPATH", HealthStatus::warn, entry + " appears more than once",
                     "remove the repeated entry (each `module use` of it adds one)", {{"entry", entry}}});
    } else if (!fs::is_directory(entry, ec)) {
      out.push_back({"MODULEPATH", HealthStatus::warn, entry + " does not exist or is not a folder",
                     "remove it from MODULEPATH or generate the module tree there", {{"entry", entry}}});
    } else if (::access(entry.c_str(), R_OK | X_OK) != 0) {
      out.push_back({"MODULEPATH", HealthStatus::warn, entry + " is not readable by you",
                     "fix the folder's permissions", {{"entry", entry}}});
    }
  }
  if (empties)
    out.push_back({"MODULEPATH", HealthStatus::warn, "has " + std::to_string(empties) + " empty entr" +
                                                         (empties == 1 ? "y" : "ies"),
                   "remove the stray ':' (some module systems read an empty entry as the current folder)",
                   nlohmann::json::object()});
  if (out.empty())
    out.push_back({"MODULEPATH", HealthStatus::ok, std::to_string(entries.size()) + " folder(s), all present",
                   "", {{"entries", entries}}});
  return out;
}

std::vector<HealthResult> ModulesCheck::run(const HealthRequest&) {
  std::vector<HealthResult> out;
  auto system = find_module_system();
  if (!system) {
    out.push_back({"module system", HealthStatus::warn, "neither Lmod nor Environment Modules found",
                   "install Lmod (or Environment Modules) so users can load what Spack builds",
                   nlohmann::json::object()});
  } else {
    HealthResult r{"module system", HealthStatus::ok,
                   system->name + " " + (system->version.empty() ? "(version unknown)" : system->version) + " at " +
                       system->command.string() + " (" + system->found_by + ")",
                   "",
                   {{"name", system->name},
                    {"version", system->version},
                    {"command", system->command.string()},
                    {"found_by", system->found_by}}};
    out.push_back(std::move(r));
  }
  for (auto& r : check_modulepath(process_env("MODULEPATH"))) out.push_back(std::move(r));
  return out;
}

}  // namespace spackext::health
