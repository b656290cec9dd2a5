// The `config` command: `generate`, `validate`, `template list|create`.
#pragma once

#include "spackext/host_context.hpp"
#include "spackext/services/command.hpp"

namespace spackext::config {

class ConfigCommand final : public Command {
 public:
  explicit ConfigCommand(HostContext& host) : host_(host) {}
  int run(const CommandInvocation& invocation) override;

 private:
  int validate(const CommandInvocation& inv, const ParsedArgs& args);
  int generate(const CommandInvocation& inv, const ParsedArgs& args);
  int templates(const CommandInvocation& inv, const ParsedArgs& args);

  HostContext& host_;
};

}  // namespace spackext::config
