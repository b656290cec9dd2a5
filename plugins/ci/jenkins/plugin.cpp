// ci-jenkins: registers the `jenkins` CI backend.
#include "jenkins_pipeline.hpp"
#include "spackext/plugin.hpp"

namespace {

class JenkinsPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::CiGenerator>("jenkins", std::make_shared<spackext::ci::JenkinsPipeline>());
  }
};

}  // namespace

SPACKEXT_PLUGIN(JenkinsPlugin)
