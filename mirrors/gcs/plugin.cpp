// The gs:// mirror backend plugin.
#include <spackext/plugin.hpp>

#include "gcs_store.hpp"

namespace {

class GcsMirrorPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::MirrorBackend>("gs", std::make_shared<spackext::mirrors::gcs::GcsMirrorBackend>());
  }
};

}  // namespace

SPACKEXT_PLUGIN(GcsMirrorPlugin)
