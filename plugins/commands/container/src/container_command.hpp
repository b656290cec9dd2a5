// `spack-ext container build-defs|list`: container recipes from spacktainers
// definitions, and which of them changed since they were last generated.
#pragma once

#include <spackext/host_context.hpp>
#include <spackext/services/command.hpp>

namespace spackext::container {

class ContainerCommand final : public Command {
 public:
  explicit ContainerCommand(HostContext& host) : host_(host) {}
  int run(const CommandInvocation& invocation) override;

 private:
  int build_defs(const CommandInvocation& inv);
  int list(const CommandInvocation& inv);
  HostContext& host_;
};

}  // namespace spackext::container
