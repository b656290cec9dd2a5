#include "deploy_planner.hpp"

#include <algorithm>
#include <cctype>

#include "graph_file.hpp"
#include "matrix_expansion.hpp"
#include "stage_commands.hpp"
#include "spackext/errors.hpp"

namespace spackext::deploy {
namespace {

// `p` relative to `base` when it lies inside it (a CI checkout has the
// deployment's folder at another place); otherwise unchanged.
fs::path inside(const fs::path& p, const fs::path& base) {
  auto rel = p.lexically_normal().lexically_relative(base.lexically_normal());
  if (rel.empty() || *rel.begin() == "..") return p;
  return rel;
}

// Stages with their dependencies first, otherwise in the order given (CI
// engines with ordered stages need it).
void order_stages(std::vector<PlanStage>& stages) {
  std::vector<PlanStage> out;
  std::set<std::string> placed;
  while (out.size() < stages.size()) {
    bool progress = false;
    for (auto& s : stages) {
      if (placed.count(s.name)) continue;
      if (std::all_of(s.depends.begin(), s.depends.end(), [&](const auto& d) { return placed.count(d) > 0; })) {
        placed.insert(s.name);
        out.push_back(s);
        progress = true;
      }
    }
    if (!progress) throw InputError("plan", "stage dependency cycle");  // load_deploy_spec names it first
  }
  stages = std::move(out);
}

}  // namespace

DeployPlan make_plan(const DeploySpec& given, const std::set<std::string>& only) {
  // Commands and environment paths are written relative to the deployment's
  // folder; jobs run there (workdir).
  DeploySpec spec = given;
  const fs::path folder = spec.file.parent_path();
  for (auto& s : spec.stages) {
    if (!s.environment.empty()) s.environment = inside(s.environment, spec.base_path);
    if (!s.manifest.empty()) s.manifest = inside(s.manifest, spec.base_path);
  }
  const fs::path artifacts_root = inside(spec.artifacts_output, spec.base_path);

  auto g = expand_stages(spec, only);
  DeployPlan plan;
  plan.deployment = spec.name;
  plan.source = spec.file.filename().string();
  plan.spack = spec.spack;
  plan.workdir = inside(spec.base_path, folder).string();
  if (plan.workdir.empty()) plan.workdir = ".";
  plan.propagate_artifacts = spec.propagate;

  for (const auto& s : spec.stages) {
    if (!only.empty() && !only.count(s.name)) continue;
    PlanStage ps;
    ps.name = s.name;
    ps.kind = s.kind;
    for (const auto& d : s.depends)
      if (only.empty() || only.count(d)) ps.depends.push_back(d);
    for (const auto& [axis, values] : s.matrix) ps.matrix[axis_key(axis)] = values;
    ps.resources = s.resources;
    ps.retries = s.retries;
    plan.stages.push_back(std::move(ps));
  }
  order_stages(plan.stages);

  std::vector<std::string> artifacts(g.size());
  for (NodeId n = 0; n < g.size(); ++n) artifacts[n] = (artifacts_root / g.node(n).name).string();
  for (NodeId n : g.topological_order()) {
    const auto& node = g.node(n);
    const auto& stage = *spec.find_stage(g.groups()[node.group].name);
    PlanJob job;
    job.name = node.name;
    job.stage = stage.name;
    job.axes = node.axes;
    for (NodeId d : node.deps) job.needs.push_back(g.node(d).name);
    job.env = stage.env;
    job.env["SPACKEXT_DEPLOYMENT"] = spec.name;
    job.env["SPACKEXT_STAGE"] = stage.name;
    job.env["SPACKEXT_NODE"] = node.name;
    for (const auto& [k, v] : node.axes) {
      std::string key = k;
      std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::toupper(c); });
      job.env["SPACKEXT_" + key] = v;
    }
    job.artifacts = artifacts[n];
    job.env["SPACKEXT_ARTIFACTS"] = artifacts[n];
    if (spec.propagate) {
      std::string inputs;
      for (NodeId d : node.deps) inputs += (inputs.empty() ? "" : ":") + artifacts[d];
      job.env["SPACKEXT_INPUTS"] = inputs;
    }
    job.commands = node_preamble(spec.propagate);
    for (auto& c : node_commands(spec, stage, node)) job.commands.push_back(std::move(c));
    if (stage.kind == "tests") {
      job.junit = (fs::path(artifacts[n]) / "junit.xml").string();
      job.env["SPACKEXT_JUNIT"] = job.junit;
    }
    job.resources = stage.resources;
    job.retries = stage.retries;
    job.retry_backoff_s = stage.retry_backoff_s;
    job.estimate_min = node.duration;
    plan.jobs.push_back(std::move(job));
  }
  return plan;
}

DeployPlan make_plan(const BuildGraph& g, const std::string& name, const std::string& source) {
  DeployPlan plan;
  plan.deployment = name;
  plan.source = source;
  std::vector<std::set<std::string>> stage_deps(g.groups().size());
  for (const auto& node : g.nodes())
    for (NodeId d : node.deps)
      if (g.node(d).group != node.group) stage_deps[node.group].insert(g.groups()[g.node(d).group].name);
  for (std::size_t i = 0; i < g.groups().size(); ++i) {
    PlanStage s;
    s.name = g.groups()[i].name;
    s.depends.assign(stage_deps[i].begin(), stage_deps[i].end());
    plan.stages.push_back(std::move(s));
  }
  order_stages(plan.stages);
  for (NodeId n : g.topological_order()) {
    const auto& node = g.node(n);
    PlanJob job;
    job.name = node.name;
    job.stage = g.groups()[node.group].name;
    for (NodeId d : node.deps) job.needs.push_back(g.node(d).name);
    job.artifacts = "artifacts/" + node.name;
    job.env = {{"SPACKEXT_DEPLOYMENT", name}, {"SPACKEXT_STAGE", job.stage}, {"SPACKEXT_NODE", node.name},
               {"SPACKEXT_ARTIFACTS", job.artifacts}};
    job.commands = {"mkdir -p \"$SPACKEXT_ARTIFACTS\"", "spack install " + shell_quote(node.name)};
    job.estimate_min = node.duration;
    plan.jobs.push_back(std::move(job));
  }
  return plan;
}

DeployPlan DeployPlanner::plan(const PlanRequest& request) {
  if (!request.config.empty() && !request.graph.empty())
    throw UsageError("give a deploy.yaml or a graph file, not both");
  if (!request.graph.empty()) {
    if (!request.stages.empty()) throw UsageError("--stages applies to a deploy.yaml, not to a graph file");
    auto g = load_graph_file(request.graph);
    return make_plan(g, request.graph.stem().string(), request.graph.filename().string());
  }
  if (request.config.empty()) throw UsageError("a plan needs a deploy.yaml or a graph file");
  return make_plan(load_deploy_spec(request.config), request.stages);
}

}  // namespace spackext::deploy
