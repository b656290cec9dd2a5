// ci-github: registers the `github` CI backend.
#include "github_pipeline.hpp"
#include "spackext/plugin.hpp"

namespace {

class GithubPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::CiGenerator>("github", std::make_shared<spackext::ci::GithubPipeline>());
  }
};

}  // namespace

SPACKEXT_PLUGIN(GithubPlugin)
