// `spack-ext buildcache <subcommand> ...`: parses the words after the command
// and runs the subcommand against mirrors opened through the registry.
#pragma once

#include <filesystem>

#include <spackext/host_context.hpp>
#include <spackext/services/command.hpp>

namespace spackext::buildcache {

class BuildcacheCommand final : public Command {
 public:
  explicit BuildcacheCommand(HostContext& host) : host_(host) {}
  int run(const CommandInvocation& invocation) override;

  // Where spack-ext keeps its mirrors (Spack's mirrors.yaml shape).
  std::filesystem::path mirrors_file() const;
  // The default keyring: GNUPGHOME, else <config_dir>/gpg.
  std::filesystem::path default_keyring() const;

 private:
  HostContext& host_;
};

}  // namespace spackext::buildcache
