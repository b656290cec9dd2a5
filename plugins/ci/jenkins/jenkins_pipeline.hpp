// A deployment plan as a declarative Jenkinsfile. Declarative pipelines have
// no DAG: jobs are grouped by dependency level (a job's level is one more
// than its deepest need) and each level is a stage of `parallel` stages, so
// Jenkins waits at each level (a barrier, unlike GitLab and Argo). Artifacts
// travel with stash/unstash, retries with `retry`, time limits with
// `timeout`, test reports with `junit`. With an image, each job runs in a
// docker agent whose arguments carry its cpus, memory and /dev/shm size.
#pragma once

#include "spackext/services/ci.hpp"

namespace spackext::ci {

class JenkinsPipeline final : public CiGenerator {
 public:
  // Above this, Jenkins tends to refuse a declarative pipeline ("Method code too large").
  static constexpr std::size_t kLargePipeline = 200;

  CiRendering render(const DeployPlan& plan, const CiOptions& options) override;
  std::string default_file_name() const override { return "Jenkinsfile"; }
};

}  // namespace spackext::ci
