// The `modules` command: `generate` and `refresh` on top of
// ModulesGenerator, with the words parsed by the host from plugin.json.
#pragma once

#include <spackext/spackext.hpp>

namespace spackext::modules {

class ModulesCommand final : public Command {
 public:
  explicit ModulesCommand(HostContext& host) : host_(host) {}
  int run(const CommandInvocation& invocation) override;

 private:
  HostContext& host_;
};

}  // namespace spackext::modules
