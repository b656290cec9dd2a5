// ci-argo: registers the `argo` CI backend.
#include "argo_pipeline.hpp"
#include "spackext/plugin.hpp"

namespace {

class ArgoPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::CiGenerator>("argo", std::make_shared<spackext::ci::ArgoPipeline>());
  }
};

}  // namespace

SPACKEXT_PLUGIN(ArgoPlugin)
