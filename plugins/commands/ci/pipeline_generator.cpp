#include "pipeline_generator.hpp"

#include "output_files.hpp"
#include "spackext/errors.hpp"

namespace spackext::ci {

namespace fs = std::filesystem;

DeployPlan stage_plan(const DeployPlan& plan, const std::string& host_command) {
  DeployPlan out = plan;
  out.jobs.clear();
  for (const auto& s : plan.stages) {
    const PlanJob* first = nullptr;
    for (const auto& j : plan.jobs)
      if (j.stage == s.name) {
        first = &j;
        break;
      }
    if (!first) continue;
    PlanJob job;
    job.name = s.name;
    job.stage = s.name;
    job.needs = s.depends;
    job.env = {{"SPACKEXT_DEPLOYMENT", plan.deployment}, {"SPACKEXT_STAGE", s.name}};
    // Retries are deploy's (per build, with backoff), not the engine's.
    job.commands = {shell_quote(host_command) + " deploy run --config " + shell_quote(plan.source) + " --stages " +
                    shell_quote(s.name)};
    job.resources = first->resources;
    for (const auto& j : plan.jobs)
      if (j.stage == s.name) job.estimate_min += j.estimate_min;
    out.jobs.push_back(std::move(job));
  }
  // Only stages that have jobs remain as needs.
  for (auto& j : out.jobs) {
    std::vector<std::string> kept;
    for (const auto& n : j.needs)
      if (out.find_job(n)) kept.push_back(n);
    j.needs = std::move(kept);
  }
  return out;
}

GenerateResult generate_pipeline(Registry& registry, const GenerateRequest& request) {
  std::shared_ptr<CiGenerator> backend;
  try {
    backend = registry.get<CiGenerator>(request.backend);
  } catch (const ServiceNotFound& e) {
    throw UsageError(std::string("ci generate: --backend: ") + e.what());
  }
  std::shared_ptr<Planner> planner;
  try {
    planner = registry.get<Planner>("deploy");
  } catch (const ServiceNotFound& e) {
    throw Error(std::string("ci generate needs the deploy plugin's planner: ") + e.what());
  }
  GenerateResult result;
  result.plan = planner->plan(request.plan);
  if (request.orchestrate) {
    if (!request.plan.graph.empty())
      throw UsageError("ci generate: --orchestrate runs `deploy run --stages` and needs --config deploy.yaml");
    result.plan = stage_plan(result.plan, request.host_command);
  }
  // The plan crossed a plugin boundary: check it as a third-party backend would receive it.
  result.plan = DeployPlan::from_json(result.plan.to_json());
  result.rendering = backend->render(result.plan, request.options);
  if (result.rendering.files.empty()) throw Error("ci generate: backend '" + request.backend + "' rendered no file");
  if (!request.options.output.empty()) {
    fs::path out = request.options.output;
    result.written = write_files(out.parent_path(), result.rendering.files);
  } else if (result.rendering.files.size() > 1) {
    throw UsageError("ci generate: backend '" + request.backend + "' writes " +
                     std::to_string(result.rendering.files.size()) + " files here; give --output FILE");
  }
  return result;
}

}  // namespace spackext::ci
