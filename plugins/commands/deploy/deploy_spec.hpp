// The deployment description (deploy.yaml): what to build, in which stages,
// with which dependencies, resources and retries. Loaded and validated by
// load_deploy_spec(); everything after that trusts the model.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/deploy_plan.hpp"

namespace spackext::deploy {

namespace fs = std::filesystem;

// The axes a stage may be expanded over, in naming order: the toolchain
// (compilers, MPIs, libraries, apps) and, for test stages, language runtimes
// ("python@3.12", "r@4.4").
inline const std::vector<std::string> kMatrixAxes = {"compilers", "mpis", "libraries", "apps", "runtimes"};

// cpus, memory, shm, time, partition: the SDK's plan model holds the same.
using Resources = spackext::PlanResources;

// Axis name -> values; only the axes the stage is expanded over.
using Matrix = std::map<std::string, std::vector<std::string>>;

struct StageSpec {
  std::string name;
  std::string kind = "build";       // "build" (stages:) or "tests" (tests:)
  int line = 0;                     // 1-based line of the stage in the file
  fs::path environment;             // directory holding spack.yaml (what `spack -e` gets); empty if none
  // The environment as given when it is a manifest file not named
  // spack.yaml (environments/compilers.yaml): a node first makes
  // `environment` (<base_path>/.spack-ext/environments/<stage>) from it.
  fs::path manifest;
  std::vector<std::string> depends;
  int parallel = 0;                 // at most this many nodes at once; 0 = no limit
  std::vector<std::string> run;     // shell commands; empty = Spack's defaults
  Resources resources;
  int retries = 0;                  // extra attempts after a failure
  double retry_backoff_s = 5.0;     // first retry delay; doubles on each retry
  std::optional<double> estimate_min;  // duration guess when nothing is recorded
  std::map<std::string, std::string> env;
  Matrix matrix;
};

// The stages of `tests:` are StageSpecs of kind "tests": the same keys, but
// `run` (the test command template) is required, and each node reports its
// outcome as JUnit XML.

struct DeploySpec {
  fs::path file;
  std::string name;
  fs::path base_path;               // working directory of every stage
  std::string spack = "spack";      // the Spack executable used by default commands
  Matrix matrix;                    // axes a stage may reference by name
  std::vector<StageSpec> stages;    // `stages:` then `tests:`, in file order
  bool propagate = true;            // downstream stages see their inputs' artifacts
  // artifacts.propagate as a list: configuration files (compilers.yaml,
  // packages.yaml) a node leaves in its artifact folder, published into its
  // config scope (<output>/deployments/<id>/scopes/<node>/) that the Spack
  // commands of the nodes depending on it get with -C.
  std::vector<std::string> propagate_files;
  fs::path artifacts_output;        // where stage artifacts are kept
  const StageSpec* find_stage(const std::string& name) const;
};

// Spack's configuration sections: a propagated file named after one
// (packages.yaml) is exported by a stage's default commands.
bool is_spack_config_section(const std::string& name);

// Parses and validates `file`. Bad input throws spackext::InputError naming
// "file:line" and what was expected.
DeploySpec load_deploy_spec(const fs::path& file);
// The same from text (file is used for messages and relative paths).
DeploySpec parse_deploy_spec(const std::string& text, const fs::path& file);
// One Spack environment (a folder, its spack.yaml or any manifest file) as a
// one-stage deployment named after it, run in `base_path`: what
// `deploy --env FILE` runs.
DeploySpec environment_deploy_spec(const fs::path& environment, const fs::path& base_path);

}  // namespace spackext::deploy
