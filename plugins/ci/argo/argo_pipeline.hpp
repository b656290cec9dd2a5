// A deployment plan as an Argo Workflow (or WorkflowTemplate): one `dag`
// template whose tasks are the plan's jobs with their exact `dependencies`
// (no barriers between tiers, unlike Argo `steps`), one container template
// per stage carrying the stage's resources (cpus and memory as requests and
// limits, /dev/shm as a memory-backed volume, time as activeDeadlineSeconds,
// retries as a retryStrategy with the plan's backoff), and every pod
// mounting one shared volume that holds the deployment folder and the Spack
// tree (the case study's layout), so artifacts pass through the volume.
// Argo takes at most 200 tasks per dag: larger plans are cut, in dependency
// order, into part templates ordered by the main dag.
#pragma once

#include "spackext/services/ci.hpp"

namespace spackext::ci {

class ArgoPipeline final : public CiGenerator {
 public:
  static constexpr const char* kMountPath = "/spack-ext";
  static constexpr const char* kDefaultClaim = "spack-tree";
  static constexpr std::size_t kMaxDagTasks = 200;  // Argo's schema: tasks of one dag template

  CiRendering render(const DeployPlan& plan, const CiOptions& options) override;
  std::string default_file_name() const override { return "workflow.yaml"; }
};

}  // namespace spackext::ci
