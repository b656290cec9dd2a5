// `ci` services: render a deployment plan (spackext/deploy_plan.hpp, JSON
// schema in schemas/deploy-plan.schema.json) as a CI engine's pipeline
// (GitLab CI, GitHub Actions, Jenkins, Argo Workflows; out of tree:
// Buildkite, Azure Pipelines, ...). `spack-ext ci generate` finds the
// backend by name in the registry, so a plugin that registers a CiGenerator
// under a new name adds a backend.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/deploy_plan.hpp"
#include "spackext/service.hpp"

namespace spackext {

// What `ci generate` passes on from its command line. A backend uses what it
// can express and reports the rest as a warning or an InputError.
struct CiOptions {
  std::string image;                 // container image of every job; "" = the engine's default runner
  std::vector<std::string> tags;     // GitLab runner tags / Jenkins agent labels
  std::string runs_on;               // GitHub runner label
  std::string namespace_name;        // Argo/Kubernetes namespace
  std::string volume_claim;          // Argo: PersistentVolumeClaim holding the Spack tree
  std::string kind;                  // backend-specific document kind (Argo: Workflow or WorkflowTemplate)
  std::size_t split = 0;             // at most this many jobs per pipeline file (0 = one file)
  std::string output;                // main output file name as the user gave it ("" = default_file_name())
  nlohmann::json extra = nlohmann::json::object();  // options of out-of-tree backends
};

struct CiFile {
  std::string path;     // relative to the folder of CiOptions::output (main file first)
  std::string content;
};

struct CiRendering {
  std::vector<CiFile> files;          // written all-or-nothing by the caller
  std::vector<std::string> warnings;  // what the engine could not express exactly
};

class CiGenerator : public Service {
 public:
  static constexpr const char* kKind = "ci";
  // Throws spackext::InputError when the plan cannot be expressed at all.
  virtual CiRendering render(const DeployPlan& plan, const CiOptions& options) = 0;
  virtual std::string default_file_name() const = 0;
};

// Engines restrict job names. Maps each name to one the engine accepts,
// deterministically and without collisions: `allowed(c)` keeps a character,
// any other run of characters becomes `replacement`; names are cut to
// `max_length`; a name that clashes with an earlier one (or a `reserved`
// word) gets "-2", "-3", ... The result is in the order of `names`.
struct NameRules {
  std::function<bool(char)> allowed;
  char replacement = '-';
  std::size_t max_length = 255;
  bool lower_case = false;
  std::string prefix_if_bad_start;   // prepended when the first character is not a letter
  std::vector<std::string> reserved;
};
std::vector<std::string> engine_job_names(const std::vector<std::string>& names, const NameRules& rules);

// A job as one POSIX shell script: `export` lines for its environment (when
// `with_env`), then its commands, stopping at the first failure. For
// engines that cannot set variables per job or per matrix entry.
std::string job_shell_script(const PlanJob& job, bool with_env = true);
// `s` single-quoted for a POSIX shell when it needs quoting.
std::string shell_quote(std::string_view s);

// "48G" -> bytes; "" or unparsable -> 0. Sizes in Slurm's syntax (K, M, G, T; default M).
unsigned long long parse_size_bytes(std::string_view size);
// "02:00:00", "90:00", "90" (minutes), "1-12:00:00" -> seconds; 0 if empty or unparsable.
long parse_duration_seconds(std::string_view time);

}  // namespace spackext
