// A deployment plan as a GitHub Actions workflow. A stage whose jobs do not
// wait on each other becomes one job with a `strategy.matrix` (an `include`
// entry per plan job; GitHub allows 256 per job, so larger stages are cut
// into parts); a stage whose jobs do wait on each other (a graph file's tiers)
// becomes one GitHub job per plan job with exact `needs:`. GitHub's `needs:`
// names whole jobs, so a matrix stage waits for all of the stages it depends
// on (a barrier per stage, unlike GitLab and Argo).
//
// Artifacts: each job tars its artifact folder and uploads it; a job with
// needs downloads the artifacts uploaded so far and unpacks them in place.
// Retries run inside the job (GitHub has no retry), with the plan's backoff.
#pragma once

#include "spackext/services/ci.hpp"

namespace spackext::ci {

class GithubPipeline final : public CiGenerator {
 public:
  static constexpr std::size_t kMaxMatrix = 256;

  CiRendering render(const DeployPlan& plan, const CiOptions& options) override;
  std::string default_file_name() const override { return "deploy.yml"; }
};

}  // namespace spackext::ci
