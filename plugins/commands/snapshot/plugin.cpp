// snapshot: registers the `snapshot` command.
#include "snapshot_command.hpp"
#include "spackext/plugin.hpp"

namespace {

class SnapshotPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Command>("snapshot", std::make_shared<spackext::snapshot::SnapshotCommand>(host));
  }
};

}  // namespace

SPACKEXT_PLUGIN(SnapshotPlugin)
