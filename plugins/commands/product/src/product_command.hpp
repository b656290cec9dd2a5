// `spack-ext product pack|install`: relocatable product bundles.
#pragma once

#include <spackext/host_context.hpp>
#include <spackext/services/command.hpp>

namespace spackext::product {

class ProductCommand final : public Command {
 public:
  explicit ProductCommand(HostContext& host) : host_(host) {}
  int run(const CommandInvocation& invocation) override;

 private:
  int pack(const CommandInvocation& inv);
  int install(const CommandInvocation& inv);
  HostContext& host_;
};

}  // namespace spackext::product
