// spack-ext: a small host that finds plugins, checks them, loads only what a
// command needs, and wires them together through a service registry and an
// event bus. Everything a user sees beyond `help`, `plugin` and `--version`
// is a plugin.
#include "cli/dispatch.hpp"

int main(int argc, char** argv) { return spackext::core::run_cli(argc, argv); }
