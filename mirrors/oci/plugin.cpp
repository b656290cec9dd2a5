// The oci:// (https) and oci+http:// (plain http) mirror backend plugin.
#include <spackext/plugin.hpp>

#include "oci_store.hpp"

namespace {

class OciMirrorPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    auto backend = std::make_shared<spackext::mirrors::oci::OciMirrorBackend>();
    host.registry().add<spackext::MirrorBackend>("oci", backend);
    host.registry().add<spackext::MirrorBackend>("oci+http", backend);
  }
};

}  // namespace

SPACKEXT_PLUGIN(OciMirrorPlugin)
