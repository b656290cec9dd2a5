// From argv to an exit code: global options, built-in commands, and plugin
// commands (only the providing plugin and what it requires get loaded).
#pragma once

namespace spackext::core {

int run_cli(int argc, const char* const* argv);

}  // namespace spackext::core
