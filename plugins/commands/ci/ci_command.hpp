// `spack-ext ci generate`: the command-line face of pipeline_generator.
#pragma once

#include "spackext/host_context.hpp"
#include "spackext/services/command.hpp"

namespace spackext::ci {

class CiCommand final : public Command {
 public:
  explicit CiCommand(HostContext& host) : host_(host) {}
  int run(const CommandInvocation& invocation) override;

 private:
  HostContext& host_;
};

}  // namespace spackext::ci
