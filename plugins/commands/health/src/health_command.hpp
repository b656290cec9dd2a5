// `spack-ext health check`: runs every `health` service in the registry (or
// the ones named with --check) and reports ok/warn/fail with what was seen
// and what to do. Exit 0 unless a check failed (or warned, with --strict).
#pragma once

#include <spackext/host_context.hpp>
#include <spackext/services/command.hpp>

#include "check_runner.hpp"

namespace spackext::health {

// The checks to run: every `health` service (loading the plugins that
// declare one), or only `names` (loading only their providers); a name no
// plugin provides is a UsageError listing the installed checks.
std::vector<NamedCheck> select_checks(Registry& registry, const std::vector<std::string>& names);

class HealthCommand final : public Command {
 public:
  explicit HealthCommand(HostContext& host) : host_(host) {}
  int run(const CommandInvocation& invocation) override;

 private:
  HostContext& host_;
};

}  // namespace spackext::health
