#include "argo_pipeline.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "spackext/errors.hpp"
#include "spackext/yaml_emitter.hpp"

namespace spackext::ci {
namespace {

using Json = nlohmann::ordered_json;

// Task and template names: lower-case letters, digits and '-', starting with
// a letter (Kubernetes-style names, which Argo also uses for pod names).
bool dns_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// Slurm sizes ("48G", "500M") as Kubernetes quantities ("48Gi", "500Mi").
std::string quantity(const std::string& slurm, const std::string& what) {
  auto bytes = parse_size_bytes(slurm);
  if (bytes == 0) throw InputError(what, "cannot read size '" + slurm + "' (expected e.g. 48G or 500M)");
  if (bytes % (1ULL << 30) == 0) return std::to_string(bytes >> 30) + "Gi";
  if (bytes % (1ULL << 20) == 0) return std::to_string(bytes >> 20) + "Mi";
  return std::to_string(bytes >> 10) + "Ki";
}

class Renderer {
 public:
  Renderer(const DeployPlan& plan, const CiOptions& options) : plan_(plan), options_(options) {}

  CiRendering render() {
    if (options_.image.empty())
      throw UsageError("argo: every Argo task runs in a container; give its image with --image (e.g. a Spack image)");
    const std::string kind = options_.kind.empty() ? "Workflow" : options_.kind;
    if (kind != "Workflow" && kind != "WorkflowTemplate")
      throw UsageError("argo: --kind must be Workflow or WorkflowTemplate, not '" + kind + "'");
    if (options_.split) throw UsageError("argo: --split applies to GitLab only");

    std::vector<std::string> names;
    for (const auto& j : plan_.jobs) names.push_back(j.name);
    auto tasks = engine_job_names(names, NameRules{dns_char, '-', 63, true, "t-", {"main"}});
    std::unordered_map<std::string, std::string> task_of;
    for (std::size_t i = 0; i < tasks.size(); ++i) task_of[plan_.jobs[i].name] = tasks[i];
    std::vector<std::string> stage_names;
    for (const auto& s : plan_.stages) stage_names.push_back("stage-" + s.name);
    auto templates = engine_job_names(stage_names, NameRules{dns_char, '-', 63, true, "s-", {"main"}});
    std::map<std::string, std::string> template_of;
    for (std::size_t i = 0; i < templates.size(); ++i) template_of[plan_.stages[i].name] = templates[i];

    Json doc;
    doc["apiVersion"] = "argoproj.io/v1alpha1";
    doc["kind"] = kind;
    auto base = engine_job_names({plan_.deployment}, NameRules{dns_char, '-', 50, true, "d-", {}})[0];
    if (kind == "Workflow")
      doc["metadata"]["generateName"] = base + "-";
    else
      doc["metadata"]["name"] = base;
    if (!options_.namespace_name.empty()) doc["metadata"]["namespace"] = options_.namespace_name;
    doc["metadata"]["labels"]["spack-ext/deployment"] = base;
    Json spec;
    spec["entrypoint"] = "main";
    Json volume;
    volume["name"] = "spack-tree";
    volume["persistentVolumeClaim"]["claimName"] =
        options_.volume_claim.empty() ? ArgoPipeline::kDefaultClaim : options_.volume_claim;
    spec["volumes"].push_back(volume);

    // Argo allows 200 tasks in one dag template: a larger plan is cut, in
    // dependency order, into part templates that the main dag orders.
    const auto order = plan_.topological_order();
    const std::size_t parts = (order.size() + ArgoPipeline::kMaxDagTasks - 1) / ArgoPipeline::kMaxDagTasks;
    std::unordered_map<std::string, std::size_t> part_of;
    for (std::size_t k = 0; k < order.size(); ++k) part_of[plan_.jobs[order[k]].name] = k / ArgoPipeline::kMaxDagTasks;
    std::vector<Json> part_tasks(std::max<std::size_t>(parts, 1), Json::array());
    std::vector<std::set<std::size_t>> part_deps(part_tasks.size());
    std::set<std::string> used_stages;
    for (auto i : order) {
      const auto& job = plan_.jobs[i];
      const auto part = part_of.at(job.name);
      used_stages.insert(job.stage);
      Json t;
      t["name"] = task_of.at(job.name);
      t["template"] = template_of.at(job.stage);
      Json deps = Json::array();
      for (const auto& n : job.needs) {
        if (part_of.at(n) == part)
          deps.push_back(task_of.at(n));
        else
          part_deps[part].insert(part_of.at(n));
      }
      if (deps.size()) t["dependencies"] = deps;
      Json p;
      p["name"] = "script";
      p["value"] = job_shell_script(job);
      t["arguments"]["parameters"].push_back(p);
      part_tasks[part].push_back(t);
    }
    Json main;
    main["name"] = "main";
    if (parts <= 1) {
      main["dag"]["tasks"] = part_tasks[0];
      spec["templates"].push_back(main);
    } else {
      out_.warnings.push_back("Argo allows " + std::to_string(ArgoPipeline::kMaxDagTasks) + " tasks per dag: the " +
                              std::to_string(order.size()) + " jobs are cut into " + std::to_string(parts) +
                              " parts, and a job that needs one in an earlier part waits for that whole part");
      Json tasks = Json::array();
      for (std::size_t k = 0; k < parts; ++k) {
        Json t;
        t["name"] = "part-" + std::to_string(k + 1);
        t["template"] = "part-" + std::to_string(k + 1);
        Json deps = Json::array();
        for (auto d : part_deps[k]) deps.push_back("part-" + std::to_string(d + 1));
        if (deps.size()) t["dependencies"] = deps;
        tasks.push_back(t);
      }
      main["dag"]["tasks"] = tasks;
      spec["templates"].push_back(main);
      for (std::size_t k = 0; k < parts; ++k) {
        Json t;
        t["name"] = "part-" + std::to_string(k + 1);
        t["dag"]["tasks"] = part_tasks[k];
        spec["templates"].push_back(t);
      }
    }
    for (const auto& s : plan_.stages)
      if (used_stages.count(s.name)) spec["templates"].push_back(stage_template(s, template_of.at(s.name)));
    doc["spec"] = spec;

    out_.files.push_back({options_.output.empty() ? "workflow.yaml" : std::filesystem::path(options_.output).filename().string(),
                          std::string("# Generated by spack-ext ci generate; edit deploy.yaml instead.\n") + emit_yaml(doc)});
    return std::move(out_);
  }

 private:
  // The resources, retries and time of a stage's jobs: every job of a stage
  // shares them (deploy.yaml sets them per stage).
  const PlanJob* first_job(const std::string& stage) const {
    for (const auto& j : plan_.jobs)
      if (j.stage == stage) return &j;
    return nullptr;
  }

  Json stage_template(const PlanStage& stage, const std::string& name) {
    const PlanJob& job = *first_job(stage.name);
    const auto& r = job.resources;
    const std::string what = "stage '" + stage.name + "' resources";
    Json t;
    t["name"] = name;
    Json param;
    param["name"] = "script";
    t["inputs"]["parameters"].push_back(param);
    Json c;
    c["name"] = "main";
    c["image"] = options_.image;
    c["command"].push_back("sh");
    c["command"].push_back("-ec");
    c["args"].push_back("{{inputs.parameters.script}}");
    std::string workdir = std::string(ArgoPipeline::kMountPath);
    if (plan_.workdir != ".") workdir += "/" + plan_.workdir;
    c["workingDir"] = workdir;
    if (r.cpus || !r.memory.empty()) {
      Json q;
      if (r.cpus) q["cpu"] = std::to_string(*r.cpus);
      if (!r.memory.empty()) q["memory"] = quantity(r.memory, what + ".memory");
      c["resources"]["requests"] = q;
      c["resources"]["limits"] = q;
    }
    Json mount;
    mount["name"] = "spack-tree";
    mount["mountPath"] = ArgoPipeline::kMountPath;
    c["volumeMounts"].push_back(mount);
    if (!r.shm.empty()) {
      // A memory-backed emptyDir over /dev/shm: MPI's shared-memory transport
      // needs far more than the container runtime's 64 MiB default.
      Json shm;
      shm["name"] = "dshm";
      shm["mountPath"] = "/dev/shm";
      c["volumeMounts"].push_back(shm);
      Json v;
      v["name"] = "dshm";
      v["emptyDir"]["medium"] = "Memory";
      v["emptyDir"]["sizeLimit"] = quantity(r.shm, what + ".shm");
      t["volumes"].push_back(v);
    }
    t["container"] = c;
    if (!r.partition.empty())
      out_.warnings.push_back("stage '" + stage.name + "': partition '" + r.partition +
                              "' has no Argo equivalent; use node selectors in a WorkflowTemplate");
    if (!r.time.empty()) {
      long s = parse_duration_seconds(r.time);
      if (s <= 0) throw InputError(what + ".time", "cannot read time '" + r.time + "'");
      t["activeDeadlineSeconds"] = s;
    }
    if (job.retries > 0) {
      t["retryStrategy"]["limit"] = std::to_string(job.retries);
      t["retryStrategy"]["retryPolicy"] = "Always";
      if (job.retry_backoff_s > 0) {
        t["retryStrategy"]["backoff"]["duration"] = std::to_string(static_cast<long>(job.retry_backoff_s + 0.5)) + "s";
        t["retryStrategy"]["backoff"]["factor"] = "2";
      }
    }
    return t;
  }

  const DeployPlan& plan_;
  const CiOptions& options_;
  CiRendering out_;
};

}  // namespace

CiRendering ArgoPipeline::render(const DeployPlan& plan, const CiOptions& options) {
  return Renderer(plan, options).render();
}

}  // namespace spackext::ci
