// The `snapshot` command: create, list, show, diff, restore, cleanup,
// export and import, over the store under <state dir>/snapshots.
#pragma once

#include "spackext/host_context.hpp"
#include "spackext/services/command.hpp"

namespace spackext::snapshot {

class SnapshotService;

class SnapshotCommand final : public Command {
 public:
  explicit SnapshotCommand(HostContext& host) : host_(host) {}
  int run(const CommandInvocation& invocation) override;

 private:
  int create(const CommandInvocation& inv, SnapshotService& s);
  int list(const CommandInvocation& inv, SnapshotService& s);
  int show(const CommandInvocation& inv, SnapshotService& s);
  int diff(const CommandInvocation& inv, SnapshotService& s);
  int restore(const CommandInvocation& inv, SnapshotService& s);
  int cleanup(const CommandInvocation& inv, SnapshotService& s);
  int export_(const CommandInvocation& inv, SnapshotService& s);
  int import(const CommandInvocation& inv, SnapshotService& s);
  std::filesystem::path environment(const std::string& dir_or_name) const;
  HostContext& host_;
};

}  // namespace spackext::snapshot
