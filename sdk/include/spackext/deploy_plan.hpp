// The deployment plan: the DAG of jobs a deploy.yaml expands to, with each
// job's commands, environment, resources, retries and artifacts. It is what
// `deploy run --dry-run` schedules and what `ci generate` hands to a CI
// backend (a `ci` service), so a backend written out of tree sees exactly the
// same plan as the built-in ones.
//
// The JSON form is documented by schemas/deploy-plan.schema.json (installed
// beside this header); to_json() writes it and from_json() reads it back,
// rejecting what the schema rejects with the JSON path of the first problem.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spackext {

inline constexpr int kDeployPlanSchemaVersion = 1;

// What a job asks of the machine that runs it. Sizes use Slurm's syntax
// ("48G", "500M"); time is "HH:MM:SS", "MM:SS" or minutes.
struct PlanResources {
  std::optional<int> cpus;
  std::string memory;
  std::string shm;        // size of /dev/shm (MPI tests need a large one)
  std::string time;
  std::string partition;
  bool empty() const { return !cpus && memory.empty() && shm.empty() && time.empty() && partition.empty(); }
  nlohmann::json to_json() const;
};

// A stage of deploy.yaml: the jobs it expands to share its kind, resources
// and retries.
struct PlanStage {
  std::string name;
  std::string kind = "build";  // "build" or "tests"
  std::vector<std::string> depends;  // stage names
  std::map<std::string, std::vector<std::string>> matrix;  // axis ("compiler") -> values
  PlanResources resources;
  int retries = 0;
};

struct PlanJob {
  std::string name;                 // unique: "apps/gcc@14.2/openmpi@5/wrf"
  std::string stage;                // PlanStage::name
  std::map<std::string, std::string> axes;  // "compiler" -> "gcc@14.2"
  std::vector<std::string> needs;   // names of jobs that must succeed first
  std::vector<std::string> commands;  // shell commands, run in order with sh -e
  std::map<std::string, std::string> env;
  PlanResources resources;
  int retries = 0;                  // extra attempts after a failure
  double retry_backoff_s = 0;       // delay before the first retry; doubles each time
  double estimate_min = 1;          // expected duration (minutes)
  std::string artifacts;            // folder (relative to the work dir) the job fills
  std::string junit;                // JUnit XML report the job writes, relative; "" if none
};

struct DeployPlan {
  int schema_version = kDeployPlanSchemaVersion;
  std::string deployment;           // deploy.yaml's deployment.name
  std::string source;               // the file the plan came from, as given
  std::string spack = "spack";      // Spack executable the default commands use
  std::string workdir = ".";        // where jobs run, relative to the source's folder
  bool propagate_artifacts = true;  // jobs see their needs' artifacts (SPACKEXT_INPUTS)
  std::vector<PlanStage> stages;    // dependencies first
  std::vector<PlanJob> jobs;        // needs first

  const PlanJob* find_job(const std::string& name) const;
  const PlanStage* find_stage(const std::string& name) const;
  nlohmann::json to_json() const;
  // Throws spackext::InputError("plan: <json path>", what) on anything the
  // schema rejects, unknown needs, duplicate names or a cycle.
  static DeployPlan from_json(const nlohmann::json& j);
  // Jobs in an order where every job comes after its needs; throws
  // InputError naming a cycle ("a -> b -> a").
  std::vector<std::size_t> topological_order() const;
};

}  // namespace spackext
