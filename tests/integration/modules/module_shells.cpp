#include "module_shells.hpp"

#include <cstdlib>

#include <spackext_testing/testing.hpp>

namespace spackext::testing::modules {

namespace fs = std::filesystem;

namespace {

Environment parse_env0(const std::string& text) {
  Environment env;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\0', start);
    if (end == std::string::npos) end = text.size();
    std::string entry = text.substr(start, end - start);
    auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
    start = end + 1;
  }
  return env;
}

constexpr const char* kMarker = "\n--spackext-env--\n";

ShellResult run_shell(const std::string& setup, const std::string& modulepath, const std::string& commands,
                      const Environment& extra_env) {
  RunOptions options;
  options.unset_env = {"MODULEPATH", "LOADEDMODULES", "_LMFILES_", "MODULESHOME", "LMOD_CMD", "BASH_ENV",
                       "LMOD_VERSION_MAJOR", "MODULES_CMD", "ENV"};
  for (const auto& [k, v] : extra_env) options.env[k] = v;
  options.env["MODULEPATH"] = modulepath;
  options.env["LMOD_ALLOW_ROOT_USE"] = "yes";
  const std::string script = setup + "\n" + commands + "\nrc=$?\nprintf '" + std::string("\\n--spackext-env--\\n") +
                             "'\nenv -0\nexit $rc\n";
  auto r = run({"/bin/bash", "--norc", "--noprofile", "-c", script}, options);
  ShellResult result;
  result.exit_code = r.exit_code;
  auto marker = r.out.rfind(kMarker);
  if (marker != std::string::npos) {
    result.out = r.out.substr(0, marker) + r.err;
    result.env = parse_env0(r.out.substr(marker + std::string(kMarker).size()));
  } else {
    result.out = r.out + r.err;
  }
  return result;
}

}  // namespace

std::optional<fs::path> lmod_init() {
  fs::path init = "/usr/share/lmod/lmod/init/bash";
  return fs::exists(init) ? std::optional(init) : std::nullopt;
}

std::optional<fs::path> envmod_command() {
  const char* tools = std::getenv("SPACKEXT_TOOLS_DIR");
  const char* home = std::getenv("HOME");
  fs::path dir = tools ? fs::path(tools) : fs::path(home ? home : "/") / ".cache/spack-ext/test-tools";
  fs::path cmd = dir / "environment-modules/root/usr/lib/x86_64-linux-gnu/modulecmd.tcl";
  return fs::exists(cmd) ? std::optional(cmd) : std::nullopt;
}

ShellResult lmod_shell(const std::string& modulepath, const std::string& commands, const Environment& extra_env) {
  return run_shell("source " + lmod_init()->string(), modulepath, commands, extra_env);
}

ShellResult envmod_shell(const std::string& modulepath, const std::string& commands, const Environment& extra_env) {
  const std::string cmd = envmod_command()->string();
  return run_shell("module() { eval \"$(/usr/bin/tclsh8.6 " + cmd + " bash \"$@\")\"; }", modulepath, commands,
                   extra_env);
}

Environment changes(const Environment& before, const Environment& after,
                    const std::vector<std::pair<std::string, std::string>>& replacements) {
  Environment out;
  for (const auto& [name, value] : after) {
    // Encoded module-system state, and the shell's own variables.
    if (name.rfind("_ModuleTable", 0) == 0 || name == "_" || name == "SHLVL" || name == "rc" ||
        name.rfind("__MODULES_", 0) == 0 || name.rfind("__LMOD_", 0) == 0)
      continue;
    auto it = before.find(name);
    if (it != before.end() && it->second == value) continue;
    std::string v = value;
    for (const auto& [from, to] : replacements) {
      for (auto pos = v.find(from); pos != std::string::npos; pos = v.find(from, pos + to.size()))
        v.replace(pos, from.size(), to);
    }
    out[name] = v;
  }
  return out;
}

}  // namespace spackext::testing::modules
