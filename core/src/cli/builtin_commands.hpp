// Commands built into the host. They work from manifests only (nothing is
// loaded), except `plugin doctor`, which trial-loads to find what only
// loading can reveal. Each is described with the same command model as a
// plugin's command, so help, usage errors, completion and man pages treat
// them alike.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "host.hpp"
#include "spackext/command_model.hpp"

namespace spackext::core {

const std::vector<CommandSpec>& builtin_commands();
const CommandSpec* find_builtin(std::string_view name);

// A command known to the host: built in, or declared by a usable plugin
// (the highest-priority provider of each name).
struct KnownCommand {
  CommandSpec spec;
  std::string provider;  // "built in" or "plugin NAME VERSION"
  bool modelled = true;  // false: the plugin parses its own words
};
std::vector<KnownCommand> known_commands(Host& host);

int run_help(Host& host, const std::vector<std::string>& args, std::ostream& out);
int run_plugin_command(Host& host, const std::vector<std::string>& args, std::ostream& out);
int run_completion(Host& host, const ParsedArgs& args, std::ostream& out);
// Hidden helpers (not listed, not completed): the candidates for one <TAB>
// (`__complete CWORD WORD...`) and the man pages (`__man DIR`).
int run_complete(Host& host, const std::vector<std::string>& args, std::ostream& out);
int run_man(Host& host, const std::vector<std::string>& args, std::ostream& out);
std::string version_text();

}  // namespace spackext::core
