// The https:// and http:// mirror backend plugin: one store type for both
// schemes (plain http is for test servers and trusted internal networks).
#include <spackext/plugin.hpp>

#include "https_store.hpp"

namespace {

class HttpsMirrorPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    auto backend = std::make_shared<spackext::mirrors::https::HttpsMirrorBackend>();
    host.registry().add<spackext::MirrorBackend>("https", backend);
    host.registry().add<spackext::MirrorBackend>("http", backend);
  }
};

}  // namespace

SPACKEXT_PLUGIN(HttpsMirrorPlugin)
