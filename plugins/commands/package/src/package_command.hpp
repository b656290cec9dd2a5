// The `package` command: create, validate, list, show, import and
// env-create, over definitions on disk and the catalog in the state dir.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "spackext/host_context.hpp"
#include "spackext/services/command.hpp"

namespace spackext::package {

class PackageCatalog;

class PackageCommand final : public Command {
 public:
  explicit PackageCommand(HostContext& host) : host_(host) {}
  int run(const CommandInvocation& invocation) override;

 private:
  int create(const CommandInvocation& inv);
  int validate(const CommandInvocation& inv);
  int list(const CommandInvocation& inv);
  int show(const CommandInvocation& inv);
  int import(const CommandInvocation& inv);
  int env_create(const CommandInvocation& inv);
  std::filesystem::path catalog_file() const;
  HostContext& host_;
};

}  // namespace spackext::package
