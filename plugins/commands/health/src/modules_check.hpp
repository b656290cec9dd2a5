// `modules` health check: a module system is present (Lmod or Environment
// Modules, found from the variables their init scripts set, else at the
// Debian locations) and MODULEPATH is sane (set, no empty, missing or
// repeated entries). Versions are read from the installed files: starting a
// module command costs a Lua or Tcl interpreter.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <spackext/services/health.hpp>

namespace spackext::health {

struct ModuleSystem {
  std::string name;              // "Lmod" or "Environment Modules"
  std::filesystem::path command; // libexec/lmod or modulecmd.tcl
  std::string version;           // empty if the files do not say
  std::string found_by;          // the variable or "default location"
};

// Looks up variables through `env` (tests pass their own; nullopt = unset).
using EnvLookup = std::optional<std::string> (*)(const std::string&);
std::optional<std::string> process_env(const std::string& name);

std::optional<ModuleSystem> find_module_system(EnvLookup env = process_env);
// "8.6.19" from Lmod's libexec/Version.lua ("return \"8.6.19 2022-...\"").
std::string parse_lmod_version(const std::string& version_lua);
// "5.2.0" from modulecmd.tcl ("set MODULES_CURRENT_VERSION 5.2.0").
std::string parse_modules_version(const std::string& modulecmd_tcl);

// One result per problem in MODULEPATH, or one ok result.
std::vector<HealthResult> check_modulepath(const std::optional<std::string>& modulepath);

class ModulesCheck final : public HealthCheck {
 public:
  std::string title() const override { return "Module system present and MODULEPATH sane"; }
  std::vector<HealthResult> run(const HealthRequest& request) override;
};

}  // namespace spackext::health
