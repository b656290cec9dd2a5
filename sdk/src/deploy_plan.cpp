#include "spackext/deploy_plan.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <unordered_map>

#include "spackext/errors.hpp"

namespace spackext {
namespace {

using nlohmann::json;

// Reads the plan's JSON against deploy-plan.schema.json, naming the JSON
// path of the first problem.
class Reader {
 public:
  [[noreturn]] static void fail(const std::string& path, const std::string& what) {
    throw InputError("plan: " + path, what);
  }
  static void keys(const json& j, const std::string& path, const std::set<std::string>& allowed,
                   const std::set<std::string>& required = {}) {
    if (!j.is_object()) fail(path, "expected an object");
    for (const auto& [k, v] : j.items())
      if (!allowed.count(k)) fail(path, "unknown key '" + k + "'");
    for (const auto& k : required)
      if (!j.contains(k)) fail(path, "missing required key '" + k + "'");
  }
  static std::string string(const json& j, const std::string& path, bool non_empty = false) {
    if (!j.is_string()) fail(path, "expected a string");
    if (non_empty && j.get_ref<const std::string&>().empty()) fail(path, "expected a non-empty string");
    return j.get<std::string>();
  }
  static std::vector<std::string> strings(const json& j, const std::string& path) {
    if (!j.is_array()) fail(path, "expected a list of strings");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < j.size(); ++i) out.push_back(string(j[i], path + "[" + std::to_string(i) + "]"));
    return out;
  }
  static std::map<std::string, std::string> string_map(const json& j, const std::string& path) {
    if (!j.is_object()) fail(path, "expected an object of strings");
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : j.items()) out[k] = string(v, path + "." + k);
    return out;
  }
  static long integer(const json& j, const std::string& path, long min) {
    if (!j.is_number_integer() || j.get<long>() < min)
      fail(path, "expected an integer >= " + std::to_string(min));
    return j.get<long>();
  }
  static double number(const json& j, const std::string& path) {
    if (!j.is_number() || j.get<double>() < 0) fail(path, "expected a non-negative number");
    return j.get<double>();
  }
  static PlanResources resources(const json& j, const std::string& path) {
    keys(j, path, {"cpus", "memory", "shm", "time", "partition"});
    PlanResources r;
    if (j.contains("cpus")) r.cpus = static_cast<int>(integer(j["cpus"], path + ".cpus", 1));
    if (j.contains("memory")) r.memory = string(j["memory"], path + ".memory", true);
    if (j.contains("shm")) r.shm = string(j["shm"], path + ".shm", true);
    if (j.contains("time")) r.time = string(j["time"], path + ".time", true);
    if (j.contains("partition")) r.partition = string(j["partition"], path + ".partition", true);
    return r;
  }
};

}  // namespace

json PlanResources::to_json() const {
  json j = json::object();
  if (cpus) j["cpus"] = *cpus;
  if (!memory.empty()) j["memory"] = memory;
  if (!shm.empty()) j["shm"] = shm;
  if (!time.empty()) j["time"] = time;
  if (!partition.empty()) j["partition"] = partition;
  return j;
}

const PlanJob* DeployPlan::find_job(const std::string& name) const {
  for (const auto& j : jobs)
    if (j.name == name) return &j;
  return nullptr;
}

const PlanStage* DeployPlan::find_stage(const std::string& name) const {
  for (const auto& s : stages)
    if (s.name == name) return &s;
  return nullptr;
}

json DeployPlan::to_json() const {
  json j{{"schema_version", schema_version}, {"deployment", deployment}, {"source", source},
         {"spack", spack}, {"workdir", workdir}, {"propagate_artifacts", propagate_artifacts},
         {"stages", json::array()}, {"jobs", json::array()}};
  for (const auto& s : stages)
    j["stages"].push_back({{"name", s.name}, {"kind", s.kind}, {"depends", s.depends}, {"matrix", s.matrix},
                           {"resources", s.resources.to_json()}, {"retries", s.retries}});
  for (const auto& b : jobs) {
    json o{{"name", b.name}, {"stage", b.stage}, {"axes", b.axes}, {"needs", b.needs},
           {"commands", b.commands}, {"env", b.env}, {"resources", b.resources.to_json()},
           {"retries", b.retries}, {"retry_backoff_s", b.retry_backoff_s}, {"estimate_min", b.estimate_min},
           {"artifacts", b.artifacts}};
    if (!b.junit.empty()) o["junit"] = b.junit;
    j["jobs"].push_back(std::move(o));
  }
  return j;
}

DeployPlan DeployPlan::from_json(const json& j) {
  using R = Reader;
  R::keys(j, "$", {"schema_version", "deployment", "source", "spack", "workdir", "propagate_artifacts", "stages", "jobs"},
          {"schema_version", "deployment", "stages", "jobs"});
  DeployPlan p;
  p.schema_version = static_cast<int>(R::integer(j["schema_version"], "$.schema_version", 1));
  if (p.schema_version != kDeployPlanSchemaVersion)
    R::fail("$.schema_version", "unsupported plan schema version " + std::to_string(p.schema_version) +
                                    " (this SDK reads version " + std::to_string(kDeployPlanSchemaVersion) + ")");
  p.deployment = R::string(j["deployment"], "$.deployment", true);
  if (j.contains("source")) p.source = R::string(j["source"], "$.source");
  if (j.contains("spack")) p.spack = R::string(j["spack"], "$.spack", true);
  if (j.contains("workdir")) p.workdir = R::string(j["workdir"], "$.workdir", true);
  if (j.contains("propagate_artifacts")) {
    if (!j["propagate_artifacts"].is_boolean()) R::fail("$.propagate_artifacts", "expected true or false");
    p.propagate_artifacts = j["propagate_artifacts"].get<bool>();
  }
  if (!j["stages"].is_array()) R::fail("$.stages", "expected a list");
  if (!j["jobs"].is_array()) R::fail("$.jobs", "expected a list");
  std::set<std::string> stage_names;
  for (std::size_t i = 0; i < j["stages"].size(); ++i) {
    const auto& s = j["stages"][i];
    const std::string at = "$.stages[" + std::to_string(i) + "]";
    R::keys(s, at, {"name", "kind", "depends", "matrix", "resources", "retries"}, {"name"});
    PlanStage st;
    st.name = R::string(s["name"], at + ".name", true);
    if (s.contains("kind")) st.kind = R::string(s["kind"], at + ".kind");
    if (st.kind != "build" && st.kind != "tests") R::fail(at + ".kind", "expected 'build' or 'tests'");
    if (s.contains("depends")) st.depends = R::strings(s["depends"], at + ".depends");
    if (s.contains("matrix")) {
      if (!s["matrix"].is_object()) R::fail(at + ".matrix", "expected an object of value lists");
      for (const auto& [axis, values] : s["matrix"].items()) st.matrix[axis] = R::strings(values, at + ".matrix." + axis);
    }
    if (s.contains("resources")) st.resources = R::resources(s["resources"], at + ".resources");
    if (s.contains("retries")) st.retries = static_cast<int>(R::integer(s["retries"], at + ".retries", 0));
    if (!stage_names.insert(st.name).second) R::fail(at + ".name", "duplicate stage '" + st.name + "'");
    p.stages.push_back(std::move(st));
  }
  for (std::size_t i = 0; i < p.stages.size(); ++i)
    for (const auto& d : p.stages[i].depends)
      if (!stage_names.count(d)) R::fail("$.stages[" + std::to_string(i) + "].depends", "unknown stage '" + d + "'");
  std::set<std::string> job_names;
  for (std::size_t i = 0; i < j["jobs"].size(); ++i) {
    const auto& o = j["jobs"][i];
    const std::string at = "$.jobs[" + std::to_string(i) + "]";
    R::keys(o, at, {"name", "stage", "axes", "needs", "commands", "env", "resources", "retries", "retry_backoff_s",
                    "estimate_min", "artifacts", "junit"},
            {"name", "stage", "commands"});
    PlanJob b;
    b.name = R::string(o["name"], at + ".name", true);
    b.stage = R::string(o["stage"], at + ".stage", true);
    if (!stage_names.count(b.stage)) R::fail(at + ".stage", "unknown stage '" + b.stage + "'");
    if (o.contains("axes")) b.axes = R::string_map(o["axes"], at + ".axes");
    if (o.contains("needs")) b.needs = R::strings(o["needs"], at + ".needs");
    b.commands = R::strings(o["commands"], at + ".commands");
    if (o.contains("env")) b.env = R::string_map(o["env"], at + ".env");
    if (o.contains("resources")) b.resources = R::resources(o["resources"], at + ".resources");
    if (o.contains("retries")) b.retries = static_cast<int>(R::integer(o["retries"], at + ".retries", 0));
    if (o.contains("retry_backoff_s")) b.retry_backoff_s = R::number(o["retry_backoff_s"], at + ".retry_backoff_s");
    if (o.contains("estimate_min")) b.estimate_min = R::number(o["estimate_min"], at + ".estimate_min");
    if (o.contains("artifacts")) b.artifacts = R::string(o["artifacts"], at + ".artifacts");
    if (o.contains("junit")) b.junit = R::string(o["junit"], at + ".junit", true);
    if (!job_names.insert(b.name).second) R::fail(at + ".name", "duplicate job '" + b.name + "'");
    p.jobs.push_back(std::move(b));
  }
  for (std::size_t i = 0; i < p.jobs.size(); ++i)
    for (const auto& n : p.jobs[i].needs)
      if (!job_names.count(n)) R::fail("$.jobs[" + std::to_string(i) + "].needs", "unknown job '" + n + "'");
  p.topological_order();  // a cycle is an input error
  return p;
}

std::vector<std::size_t> DeployPlan::topological_order() const {
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < jobs.size(); ++i) index.emplace(jobs[i].name, i);
  std::vector<int> color(jobs.size(), 0);  // 0 new, 1 on the path, 2 done
  std::vector<std::size_t> order, path;
  order.reserve(jobs.size());
  // Iterative depth-first search: plans have thousands of jobs and deep chains.
  for (std::size_t root = 0; root < jobs.size(); ++root) {
    if (color[root]) continue;
    std::vector<std::pair<std::size_t, std::size_t>> stack{{root, 0}};
    color[root] = 1;
    path.push_back(root);
    while (!stack.empty()) {
      auto& [v, next] = stack.back();
      if (next < jobs[v].needs.size()) {
        auto it = index.find(jobs[v].needs[next++]);
        if (it == index.end())
          throw InputError("plan: job '" + jobs[v].name + "'", "needs unknown job '" + jobs[v].needs[next - 1] + "'");
        auto w = it->second;
        if (color[w] == 1) {
          std::string cycle;
          for (auto p = std::find(path.begin(), path.end(), w); p != path.end(); ++p) cycle += jobs[*p].name + " -> ";
          throw InputError("plan", "dependency cycle: " + cycle + jobs[w].name);
        }
        if (color[w] == 0) {
          color[w] = 1;
          path.push_back(w);
          stack.emplace_back(w, 0);
        }
        continue;
      }
      color[v] = 2;
      order.push_back(v);
      path.pop_back();
      stack.pop_back();
    }
  }
  return order;
}

}  // namespace spackext
