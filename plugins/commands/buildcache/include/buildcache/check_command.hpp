// `spack-ext buildcache check (--lock FILE | --db DIR | SPEC...) [--mirror M ...]`:
// reads what to look for, asks every mirror (check.hpp) and reports a table
// or --json. Exit 1 when anything is missing, 2 for bad input.
#pragma once

#include <spackext/host_context.hpp>
#include <spackext/services/command.hpp>

#include "buildcache/mirror_config.hpp"

namespace spackext::buildcache {

int run_check(HostContext& host, const CommandInvocation& invocation, const MirrorsConfig& config);

}  // namespace spackext::buildcache
