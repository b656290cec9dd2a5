// `spack-ext optimize detect|recommend|generate`: the CLI over every
// installed optimizer service, consulted highest priority first.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include <spackext/services/command.hpp>
#include <spackext/services/optimizer.hpp>

namespace spackext::optimize {

class OptimizeCommand final : public Command {
 public:
  using OptimizerSource = std::function<std::vector<std::shared_ptr<Optimizer>>()>;

  // `optimizers` is called only when a subcommand needs them (lazy loading).
  // `host_cpuinfo` is /proc/cpuinfo except in tests.
  explicit OptimizeCommand(OptimizerSource optimizers,
                           std::filesystem::path host_cpuinfo = "/proc/cpuinfo");

  int run(const CommandInvocation& invocation) override;

 private:
  int detect(const ParsedArgs& args, const CommandInvocation& inv);
  int recommend(const ParsedArgs& args, const CommandInvocation& inv);
  int generate(const ParsedArgs& args, const CommandInvocation& inv);

  OptimizerSource optimizers_;
  std::filesystem::path host_cpuinfo_;
};

}  // namespace spackext::optimize
