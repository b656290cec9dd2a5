// A deployment plan as GitLab CI: one job per plan job, ordered by `needs:`
// (a DAG, so a toolchain's apps start when its own libraries are done, not
// when a whole stage is), artifacts passed along `needs:`, JUnit reports for
// test jobs, `retry:` and `timeout:` from the plan. Without an image jobs run
// on a shell runner (gitlab-ci-local runs them with no container engine).
//
// GitLab limits: a job may need at most 50 jobs (more go through "gate" jobs
// that need up to 50 each), `retry:` is at most 2, and a pipeline file should
// stay small: with `split` the jobs are cut, in dependency order, into child
// pipelines of at most `split` jobs each, triggered by a parent pipeline
// (`trigger: include: artifact`) so no child waits on a later one.
#pragma once

#include "spackext/services/ci.hpp"

namespace spackext::ci {

class GitlabPipeline final : public CiGenerator {
 public:
  static constexpr std::size_t kMaxNeeds = 50;
  static constexpr int kMaxRetry = 2;

  CiRendering render(const DeployPlan& plan, const CiOptions& options) override;
  std::string default_file_name() const override { return ".gitlab-ci.yml"; }
};

}  // namespace spackext::ci
