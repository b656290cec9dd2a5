#include "gitlab_pipeline.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "spackext/errors.hpp"
#include "spackext/yaml_emitter.hpp"

namespace spackext::ci {
namespace {

using Json = nlohmann::ordered_json;

namespace fs = std::filesystem;

// Top-level keywords of .gitlab-ci.yml (a job may not be called so) and
// "pages", whose name has a meaning of its own.
const std::vector<std::string> kReserved = {"image", "services", "stages", "types", "before_script",
                                            "after_script", "variables", "cache", "include", "workflow",
                                            "default", "spec", "pages", "true", "false", "nil"};

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@'; }

std::string timeout(long seconds) {
  long minutes = (seconds + 59) / 60;
  if (minutes % 60 == 0) return std::to_string(minutes / 60) + "h";
  return (minutes >= 60 ? std::to_string(minutes / 60) + "h " : std::string()) + std::to_string(minutes % 60) + "m";
}

struct GitlabJob {
  std::string name;
  std::string stage;
  std::vector<std::string> needs;
  Json body;  // everything but `needs:`
};

Json string_list(const std::vector<std::string>& items) {
  Json n = Json::array();
  for (const auto& i : items) n.push_back(i);
  return n;
}

class Renderer {
 public:
  Renderer(const DeployPlan& plan, const CiOptions& options) : plan_(plan), options_(options) {}

  CiRendering render() {
    std::vector<std::string> plan_names;
    for (const auto& j : plan_.jobs) plan_names.push_back(j.name);
    auto names = engine_job_names(plan_names, NameRules{name_char, '-', 255, false, "job-", kReserved});
    for (std::size_t i = 0; i < names.size(); ++i) name_of_[plan_.jobs[i].name] = names[i];
    for (auto i : plan_.topological_order()) add_job(plan_.jobs[i]);
    if (options_.split == 0) {
      out_.files.push_back({main_file(), emit(document(jobs_, {}))});
    } else {
      split();
    }
    return std::move(out_);
  }

 private:
  std::string main_file() const {
    return options_.output.empty() ? ".gitlab-ci.yml" : fs::path(options_.output).filename().string();
  }

  void warn_once(const std::string& key, const std::string& text) {
    if (warned_.insert(key).second) out_.warnings.push_back(text);
  }

  void add_job(const PlanJob& job) {
    GitlabJob g;
    g.name = name_of_.at(job.name);
    g.stage = job.stage;
    Json b;
    b["stage"] = job.stage;
    if (!options_.image.empty()) b["image"] = options_.image;
    if (!options_.tags.empty()) b["tags"] = string_list(options_.tags);
    Json vars = Json::object();
    for (const auto& [k, v] : job.env) vars[k] = v;
    // The Kubernetes executor reads a job's requests from these variables
    // (when the runner allows overriding them); other executors ignore them.
    if (job.resources.cpus) vars["KUBERNETES_CPU_REQUEST"] = std::to_string(*job.resources.cpus);
    if (!job.resources.memory.empty())
      vars["KUBERNETES_MEMORY_REQUEST"] = std::to_string(parse_size_bytes(job.resources.memory) >> 20) + "Mi";
    if (!job.resources.shm.empty())
      warn_once("shm:" + job.stage, "stage '" + job.stage + "': GitLab cannot size /dev/shm (" + job.resources.shm +
                                        "); give its runner a large /dev/shm or tag one that has it (--tags)");
    if (!job.resources.partition.empty())
      warn_once("partition:" + job.stage, "stage '" + job.stage + "': partition '" + job.resources.partition +
                                              "' has no GitLab equivalent; select runners with --tags");
    if (vars.size()) b["variables"] = vars;
    b["script"] = string_list(job.commands);
    if (!job.artifacts.empty() || !job.junit.empty()) {
      Json a;
      if (!job.artifacts.empty()) a["paths"] = string_list({job.artifacts});
      if (!job.junit.empty()) {
        a["reports"]["junit"] = job.junit;
        a["when"] = "always";
      }
      b["artifacts"] = a;
    }
    if (job.retries > 0) {
      if (job.retries > GitlabPipeline::kMaxRetry)
        warn_once("retry:" + job.stage, "stage '" + job.stage + "': " + std::to_string(job.retries) +
                                            " retries requested; GitLab allows at most " + std::to_string(GitlabPipeline::kMaxRetry));
      b["retry"] = std::min(job.retries, GitlabPipeline::kMaxRetry);
    }
    if (!job.resources.time.empty()) {
      long s = parse_duration_seconds(job.resources.time);
      if (s <= 0) throw InputError("stage '" + job.stage + "'", "cannot read time '" + job.resources.time + "'");
      b["timeout"] = timeout(s);
    }
    g.body = b;

    std::vector<std::string> needs;
    for (const auto& n : job.needs) needs.push_back(name_of_.at(n));
    if (needs.size() > GitlabPipeline::kMaxNeeds) {
      // GitLab refuses more than 50 needs; wait through gate jobs instead
      // (the gates' own needs are what carries the order).
      warn_once("needs:" + job.stage,
                "stage '" + job.stage + "': jobs need up to " + std::to_string(needs.size()) + " jobs; GitLab allows " +
                    std::to_string(GitlabPipeline::kMaxNeeds) +
                    ", so they wait through gate jobs and receive no artifacts from those jobs");
      std::vector<std::string> gates;
      for (std::size_t i = 0; i < needs.size(); i += GitlabPipeline::kMaxNeeds) {
        GitlabJob gate;
        gate.name = unique(g.name + "-needs-" + std::to_string(i / GitlabPipeline::kMaxNeeds + 1));
        gate.stage = job.stage;
        gate.needs.assign(needs.begin() + static_cast<long>(i),
                          needs.begin() + static_cast<long>(std::min(needs.size(), i + GitlabPipeline::kMaxNeeds)));
        Json gb;
        gb["stage"] = job.stage;
        if (!options_.image.empty()) gb["image"] = options_.image;
        if (!options_.tags.empty()) gb["tags"] = string_list(options_.tags);
        gb["script"] = string_list({"true"});
        gate.body = gb;
        gates.push_back(gate.name);
        jobs_.push_back(std::move(gate));
      }
      needs = std::move(gates);
    }
    g.needs = std::move(needs);
    jobs_.push_back(std::move(g));
  }

  std::string unique(std::string name) {
    std::set<std::string> taken;
    for (const auto& [k, v] : name_of_) taken.insert(v);
    for (const auto& j : jobs_) taken.insert(j.name);
    std::string candidate = name;
    for (int n = 2; taken.count(candidate); ++n) candidate = name + "-" + std::to_string(n);
    return candidate;
  }

  // A pipeline document of `jobs`; needs outside `inside` (when given) are
  // dropped: they ran in an earlier child pipeline.
  Json document(const std::vector<GitlabJob>& jobs, const std::set<std::string>& inside) {
    Json doc;
    std::set<std::string> used;
    for (const auto& j : jobs) used.insert(j.stage);
    std::vector<std::string> stages;
    for (const auto& s : plan_.stages)
      if (used.count(s.name)) stages.push_back(s.name);
    doc["stages"] = string_list(stages);
    for (const auto& j : jobs) {
      Json b = j.body;
      Json needs = Json::array();
      for (const auto& n : j.needs)
        if (inside.empty() || inside.count(n)) needs.push_back(n);
      b["needs"] = needs;  // [] starts at once: no stage barriers
      doc[j.name] = b;
    }
    return doc;
  }

  void split() {
    const std::size_t n = options_.split;
    const fs::path main = main_file();
    const std::string stem = main.stem().string();
    // Where the parent's `pipelines` job finds the child files: the output's
    // folder as given (relative to the project root).
    const fs::path folder = options_.output.empty() || fs::path(options_.output).is_absolute()
                                ? fs::path()
                                : fs::path(options_.output).parent_path();
    std::unordered_map<std::string, std::size_t> child_of;
    std::vector<std::vector<GitlabJob>> children;
    for (std::size_t i = 0; i < jobs_.size(); ++i) {
      if (i % n == 0) children.emplace_back();
      child_of[jobs_[i].name] = children.size() - 1;
      children.back().push_back(jobs_[i]);
    }
    Json parent;
    parent["stages"] = string_list({"pipelines", "deploy"});
    const std::string publisher = "spackext-child-pipelines";
    Json pub;
    pub["stage"] = "pipelines";
    if (!options_.image.empty()) pub["image"] = options_.image;
    if (!options_.tags.empty()) pub["tags"] = string_list(options_.tags);
    std::vector<std::string> files, checks;
    for (std::size_t k = 0; k < children.size(); ++k) {
      auto file = stem + "-child-" + std::to_string(k + 1) + ".yml";
      files.push_back((folder / file).generic_string());
      checks.push_back("test -s " + shell_quote(files.back()));
    }
    pub["script"] = string_list(checks);
    pub["artifacts"]["paths"] = string_list(files);
    pub["needs"] = Json::array();
    parent[publisher] = pub;

    std::vector<CiFile> child_files;
    for (std::size_t k = 0; k < children.size(); ++k) {
      std::set<std::string> inside;
      std::set<std::size_t> after;
      for (const auto& j : children[k]) inside.insert(j.name);
      for (const auto& j : children[k])
        for (const auto& need : j.needs)
          if (!inside.count(need)) after.insert(child_of.at(need));
      child_files.push_back({(fs::path(main).parent_path() / fs::path(files[k]).filename()).generic_string(),
                             emit(document(children[k], inside))});
      Json t;
      t["stage"] = "deploy";
      Json include;
      include["artifact"] = files[k];
      include["job"] = publisher;
      t["trigger"]["include"].push_back(include);
      t["trigger"]["strategy"] = "depend";
      Json needs = Json::array();
      needs.push_back(publisher);
      for (auto a : after) needs.push_back("spackext-child-" + std::to_string(a + 1));
      t["needs"] = needs;
      parent["spackext-child-" + std::to_string(k + 1)] = t;
    }
    if (plan_.propagate_artifacts)
      out_.warnings.push_back("artifacts do not pass between child pipelines: a job whose needs ran in an earlier "
                              "child finds their outputs only on a shared runner folder");
    out_.files.push_back({main_file(), emit(parent)});
    for (auto& f : child_files) out_.files.push_back(std::move(f));
  }

  static std::string emit(const Json& doc) {
    return std::string("# Generated by spack-ext ci generate; edit deploy.yaml instead.\n") + emit_yaml(doc);
  }

  const DeployPlan& plan_;
  const CiOptions& options_;
  std::unordered_map<std::string, std::string> name_of_;
  std::vector<GitlabJob> jobs_;
  std::set<std::string> warned_;
  CiRendering out_;
};

}  // namespace

CiRendering GitlabPipeline::render(const DeployPlan& plan, const CiOptions& options) {
  return Renderer(plan, options).render();
}

}  // namespace spackext::ci
