#include "deploy_planner.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

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

// Config scopes on CI (artifacts.propagate: [FILE...]). No host stands
// between two CI jobs to publish a finished node's files, so each job does it
// itself, inside its own artifact folder, which the CI engine hands to the
// jobs that need it:
//   <artifacts>/.spackext-scopes/<node>/FILE        the node's own files
//   <artifacts>/.spackext-scopes/<ancestor>/FILE    copies of what it was given
// The copies are what make the scopes transitive: an engine passes a job only
// its direct needs' artifacts (GitLab `needs`, GitHub's downloads), yet the
// local runner gives a node the scopes of every ancestor, farthest first,
// nearest last. So a job reads an ancestor's scope from the artifacts of the
// first direct need that carries it, and the order is the local runner's.
class CiScopes {
 public:
  CiScopes(const BuildGraph& g, const std::vector<std::string>& artifacts) : g_(g), artifacts_(artifacts) {
    const auto order = g.topological_order();
    position_.resize(g.size());
    for (std::size_t i = 0; i < order.size(); ++i) position_[order[i]] = i;
    ancestors_.resize(g.size());
    for (NodeId n : order) {  // dependencies first: their sets are complete
      auto& mine = ancestors_[n];
      for (NodeId d : g.node(n).deps) {
        mine.insert(d);
        mine.insert(ancestors_[d].begin(), ancestors_[d].end());
      }
    }
  }

  static std::string folder(const std::string& artifacts, const std::string& node) {
    return (fs::path(artifacts) / ".spackext-scopes" / node).generic_string();
  }

  // Where node n finds each ancestor's scope, in the local runner's order.
  std::vector<std::pair<NodeId, std::string>> inputs(NodeId n) const {
    std::vector<NodeId> ancestors(ancestors_[n].begin(), ancestors_[n].end());
    std::sort(ancestors.begin(), ancestors.end(), [&](NodeId a, NodeId b) { return position_[a] < position_[b]; });
    std::vector<std::pair<NodeId, std::string>> out;
    for (NodeId a : ancestors)
      for (NodeId d : g_.node(n).deps)
        if (d == a || ancestors_[d].count(a)) {
          out.emplace_back(a, folder(artifacts_[d], g_.node(a).name));
          break;
        }
    return out;
  }

  // Run before the node's commands: Spack refuses a -C folder that does not
  // exist, and an ancestor that left no file has an empty one.
  static std::vector<std::string> prepare(const std::vector<std::pair<NodeId, std::string>>& inputs) {
    std::vector<std::string> out;
    for (const auto& [a, dir] : inputs) out.push_back("mkdir -p " + shell_quote(dir));
    return out;
  }

  // Run after them: the node's own listed files, then what it was given.
  std::vector<std::string> publish(NodeId n, const std::vector<std::pair<NodeId, std::string>>& inputs,
                                   const std::vector<std::string>& files) const {
    const std::string own = folder(artifacts_[n], g_.node(n).name);
    std::vector<std::string> out = {"mkdir -p " + shell_quote(own)};
    for (const auto& f : files) {
      const std::string from = shell_quote((fs::path(artifacts_[n]) / f).generic_string());
      out.push_back("if [ -f " + from + " ]; then cp " + from + " " + shell_quote(own + "/" + f) + "; fi");
    }
    for (const auto& [a, dir] : inputs) {
      const std::string copy = folder(artifacts_[n], g_.node(a).name);
      out.push_back("mkdir -p " + shell_quote(copy) + " && cp -R " + shell_quote(dir) + "/. " + shell_quote(copy) + "/");
    }
    return out;
  }

 private:
  const BuildGraph& g_;
  const std::vector<std::string>& artifacts_;
  std::vector<std::size_t> position_;
  std::vector<std::set<NodeId>> ancestors_;
};

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
  const CiScopes scopes(g, artifacts);
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
    if (spec.propagate_files.empty()) {
      for (auto& c : node_commands(spec, stage, node)) job.commands.push_back(std::move(c));
    } else {
      const auto inputs = scopes.inputs(n);
      std::vector<std::string> dirs;
      for (const auto& [a, dir] : inputs) dirs.push_back(dir);
      std::string list;
      for (const auto& d : dirs) list += (list.empty() ? "" : ":") + d;
      job.env["SPACKEXT_SCOPES"] = list;
      for (auto& c : CiScopes::prepare(inputs)) job.commands.push_back(std::move(c));
      for (auto& c : node_commands(spec, stage, node, dirs)) job.commands.push_back(std::move(c));
      for (auto& c : scopes.publish(n, inputs, spec.propagate_files)) job.commands.push_back(std::move(c));
    }
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
