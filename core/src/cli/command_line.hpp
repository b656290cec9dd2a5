// The global part of the command line:
//   spack-ext [global options] <command> [<subcommand>] [options]
// Options that take a value (--config, --plugin-path, --events) go before the
// command, so a command may have options of the same name (deploy run
// --config deploy.yaml). The output switches (--json, -v, -q, --no-color)
// are accepted anywhere before a "--".
#pragma once

#include <string>
#include <vector>

#include "host.hpp"

namespace spackext::core {

struct CommandLine {
  HostOptions host;
  bool show_version = false;
  bool show_help = false;
  std::vector<std::string> words;  // the command and everything after it
};

// Throws UsageError for an unknown or malformed global option.
CommandLine parse_command_line(int argc, const char* const* argv);

// The global options, as shown by `help`.
std::string global_options_help();

}  // namespace spackext::core
