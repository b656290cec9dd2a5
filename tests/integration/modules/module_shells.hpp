// Loading module files with the real Lmod and Environment Modules from a
// test: each call starts a fresh bash, loads the modules and returns the
// environment it ends with (or the output of a module command).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spackext::testing::modules {

using Environment = std::map<std::string, std::string>;

// Lmod's bash init script, or nullopt when Lmod is not installed.
std::optional<std::filesystem::path> lmod_init();
// Environment Modules' modulecmd.tcl (extracted by
// tests/services/environment-modules/install.sh), or nullopt.
std::optional<std::filesystem::path> envmod_command();

struct ShellResult {
  int exit_code = -1;
  Environment env;
  std::string out;  // what the commands printed (stderr included: Lmod writes there)
};

// Runs `commands` (bash, with `module` defined) after setting MODULEPATH and
// `extra_env`; the environment is captured at the end.
ShellResult lmod_shell(const std::string& modulepath, const std::string& commands,
                       const Environment& extra_env = {});
ShellResult envmod_shell(const std::string& modulepath, const std::string& commands,
                         const Environment& extra_env = {});

// The variables a module load changed or added relative to `before`, with
// Lmod/Environment Modules bookkeeping that encodes state (not environment)
// left out, and `replacements` applied to every value.
Environment changes(const Environment& before, const Environment& after,
                    const std::vector<std::pair<std::string, std::string>>& replacements);

}  // namespace spackext::testing::modules
