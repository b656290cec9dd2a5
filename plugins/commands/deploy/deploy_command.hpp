// `spack-ext deploy run|status|list|resume|rollback|plan`.
#pragma once

#include "spackext/host_context.hpp"
#include "spackext/services/command.hpp"

namespace spackext::deploy {

class DeployCommand final : public Command {
 public:
  explicit DeployCommand(HostContext& host) : host_(host) {}
  int run(const CommandInvocation& invocation) override;

 private:
  HostContext& host_;
};

}  // namespace spackext::deploy
