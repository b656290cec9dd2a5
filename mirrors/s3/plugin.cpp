// The s3:// mirror backend plugin.
#include <spackext/plugin.hpp>

#include "s3_store.hpp"

namespace {

class S3MirrorPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::MirrorBackend>("s3", std::make_shared<spackext::mirrors::s3::S3MirrorBackend>());
  }
};

}  // namespace

SPACKEXT_PLUGIN(S3MirrorPlugin)
