// Commands built into the host. They work from manifests only (nothing is
// loaded), except `plugin doctor`, which trial-loads to find what only
// loading can reveal.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "host.hpp"

namespace spackext::core {

struct BuiltinCommand {
  const char* name;
  const char* description;
  std::vector<std::pair<const char*, const char*>> subcommands;
};
const std::vector<BuiltinCommand>& builtin_commands();

int run_help(Host& host, const std::vector<std::string>& args, std::ostream& out);
int run_plugin_command(Host& host, const std::vector<std::string>& args, std::ostream& out);
std::string version_text();

}  // namespace spackext::core
