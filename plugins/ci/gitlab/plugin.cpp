// ci-gitlab: registers the `gitlab` CI backend.
#include "gitlab_pipeline.hpp"
#include "spackext/plugin.hpp"

namespace {

class GitlabPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::CiGenerator>("gitlab", std::make_shared<spackext::ci::GitlabPipeline>());
  }
};

}  // namespace

SPACKEXT_PLUGIN(GitlabPlugin)
