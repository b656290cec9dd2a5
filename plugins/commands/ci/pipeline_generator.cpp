#include "pipeline_generator.hpp"

#include <unistd.h>

#include <fstream>

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

std::vector<fs::path> write_files(const fs::path& folder, const std::vector<CiFile>& files) {
  const fs::path dir = folder.empty() ? fs::path(".") : folder;
  if (!fs::is_directory(dir)) throw InputError("--output", "folder '" + dir.string() + "' does not exist");
  std::vector<std::pair<fs::path, fs::path>> staged;  // temp, target
  auto discard = [&] {
    std::error_code ec;
    for (const auto& [tmp, target] : staged) fs::remove(tmp, ec);
  };
  try {
    for (const auto& f : files) {
      fs::path target = dir / f.path;
      fs::path tmp = target;
      tmp += ".tmp-" + std::to_string(::getpid());
      staged.emplace_back(tmp, target);
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << f.content;
      out.flush();
      if (!out) throw Error("ci generate: cannot write " + tmp.string());
    }
    // The main file (first) refers to the others: it appears last.
    for (std::size_t i = staged.size(); i-- > 0;) fs::rename(staged[i].first, staged[i].second);
  } catch (const fs::filesystem_error& e) {
    discard();
    throw Error(std::string("ci generate: ") + e.what());
  } catch (...) {
    discard();
    throw;
  }
  std::vector<fs::path> out;
  for (const auto& [tmp, target] : staged) out.push_back(target);
  return out;
}

}  // namespace spackext::ci
