#include "deploy_spec.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "spackext/errors.hpp"
#include "spackext/yaml_alias_guard.hpp"

namespace spackext::deploy {
namespace {

// Reads one YAML document against the deploy.yaml schema, reporting the
// first violation as "file:line: expected ...".
class Reader {
 public:
  explicit Reader(fs::path file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const {
    throw InputError(where(at), what);
  }
  std::string where(const YAML::Node& at) const {
    auto mark = at.Mark();
    return file_.string() + (mark.line >= 0 ? ":" + std::to_string(mark.line + 1) : "");
  }
  int line(const YAML::Node& at) const { return at.Mark().line + 1; }

  void expect_map(const YAML::Node& n, const std::string& what,
                  const std::set<std::string>& allowed) const {
    if (!n.IsMap()) fail(n, "expected " + what + " to be a mapping");
    for (const auto& kv : n) {
      if (!kv.first.IsScalar()) fail(kv.first, "expected the keys of " + what + " to be names");
      auto key = kv.first.Scalar();
      if (!allowed.count(key)) {
        std::string keys;
        for (const auto& k : allowed) keys += (keys.empty() ? "" : ", ") + k;
        fail(kv.first, "unknown key '" + key + "' in " + what + " (expected one of: " + keys + ")");
      }
    }
  }
  std::string string(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar() || n.Scalar().empty()) fail(n, "expected " + what + " to be a non-empty string");
    return n.Scalar();
  }
  std::vector<std::string> strings(const YAML::Node& n, const std::string& what) const {
    std::vector<std::string> out;
    if (n.IsScalar()) return {string(n, what)};
    if (!n.IsSequence()) fail(n, "expected " + what + " to be a list of strings");
    for (const auto& item : n) out.push_back(string(item, "each entry of " + what));
    return out;
  }
  long integer(const YAML::Node& n, const std::string& what, long min) const {
    long v = 0;
    if (!n.IsScalar() || !YAML::convert<long>::decode(n, v) || v < min)
      fail(n, "expected " + what + " to be an integer >= " + std::to_string(min));
    return v;
  }
  double number(const YAML::Node& n, const std::string& what) const {
    double v = 0;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || v < 0)
      fail(n, "expected " + what + " to be a non-negative number");
    return v;
  }
  bool boolean(const YAML::Node& n, const std::string& what) const {
    bool v = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v))
      fail(n, "expected " + what + " to be true or false");
    return v;
  }
  fs::path path(const YAML::Node& n, const std::string& what, const fs::path& base) const {
    fs::path p = string(n, what);
    return p.is_absolute() ? p : base / p;
  }

  Matrix matrix_values(const YAML::Node& n, const std::string& what) const {
    expect_map(n, what, {kMatrixAxes.begin(), kMatrixAxes.end()});
    Matrix m;
    for (const auto& kv : n) {
      auto axis = kv.first.as<std::string>();
      auto values = strings(kv.second, what + "." + axis);
      if (values.empty()) fail(kv.second, "expected " + what + "." + axis + " to list at least one value");
      std::set<std::string> seen;
      for (const auto& v : values)
        if (!seen.insert(v).second) fail(kv.second, "duplicate value '" + v + "' in " + what + "." + axis);
      m[axis] = std::move(values);
    }
    return m;
  }

 private:
  fs::path file_;
};

const std::set<std::string> kTopKeys = {"deployment", "matrix", "stages", "tests", "artifacts"};
const std::set<std::string> kDeploymentKeys = {"name", "base_path", "spack"};
const std::set<std::string> kArtifactKeys = {"propagate", "output"};
const std::set<std::string> kStageKeys = {"name", "environment", "depends", "parallel", "run",
                                          "resources", "retries", "retry_backoff", "estimate",
                                          "env", "matrix"};
const std::set<std::string> kResourceKeys = {"cpus", "memory", "shm", "time", "partition"};

// Slurm's size syntax: digits and an optional K/M/G/T.
bool is_size(const std::string& s) {
  auto digits = s.find_first_not_of("0123456789");
  if (digits == 0) return false;
  return digits == std::string::npos || (digits + 1 == s.size() && std::string("KMGT").find(s.back()) != std::string::npos);
}

// A stage's environment as given: a folder with spack.yaml, that spack.yaml,
// or a manifest file of another name (environments/compilers.yaml) that must
// be turned into an environment folder (`generated`) before Spack can use it.
struct StageEnvironment {
  fs::path dir, manifest;
};

// Checks that `given` exists and holds a document with a top-level `spack:`
// key; `where` names the place it was given (file:line) for messages.
StageEnvironment check_environment(const std::string& where, const fs::path& given, const fs::path& generated) {
  std::error_code ec;
  StageEnvironment out{given, {}};
  fs::path file = given / "spack.yaml";
  if (fs::is_regular_file(given, ec)) {
    file = given;
    if (given.filename() == "spack.yaml") out.dir = given.parent_path();
    else out = {generated, given};
  }
  if (!fs::is_regular_file(file, ec))
    throw InputError(where, "environment '" + given.string() +
                                "' not found (expected a directory with spack.yaml, or a spack.yaml or other manifest file)");
  YAML::Node env;
  try {
    env = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    throw InputError(file.string() + ":" + std::to_string(e.mark.line + 1),
                     "malformed YAML: " + e.msg);
  }
  check_yaml_aliases(env, file.string());
  if (!env.IsMap() || !env["spack"])
    throw InputError(file.string() + ":1", "expected a Spack environment (a top-level 'spack:' key)");
  return out;
}

// Where a stage's manifest file becomes a Spack environment folder.
fs::path generated_environment(const fs::path& base_path, const std::string& stage) {
  return base_path / ".spack-ext" / "environments" / stage;
}

// Rejects a dependency cycle among stages, naming it ("a -> b -> a").
void check_acyclic(const Reader& r, const std::vector<YAML::Node>& stage_nodes, const DeploySpec& spec) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < spec.stages.size(); ++i) index[spec.stages[i].name] = i;
  std::vector<int> color(spec.stages.size(), 0);  // 0 new, 1 on the path, 2 done
  std::vector<std::size_t> path;
  std::function<void(std::size_t)> visit = [&](std::size_t s) {
    color[s] = 1;
    path.push_back(s);
    for (const auto& d : spec.stages[s].depends) {
      auto t = index.at(d);
      if (color[t] == 1) {
        std::string cycle;
        auto from = std::find(path.begin(), path.end(), t);
        for (auto it = from; it != path.end(); ++it) cycle += spec.stages[*it].name + " -> ";
        cycle += spec.stages[t].name;
        r.fail(stage_nodes[t], "dependency cycle: " + cycle);
      }
      if (color[t] == 0) visit(t);
    }
    path.pop_back();
    color[s] = 2;
  };
  for (std::size_t s = 0; s < spec.stages.size(); ++s)
    if (color[s] == 0) visit(s);
}

StageSpec read_stage(const Reader& r, const YAML::Node& n, const DeploySpec& spec, const std::string& kind) {
  const std::string a_stage = kind == "tests" ? "a test stage" : "a stage";
  r.expect_map(n, a_stage, kStageKeys);
  StageSpec s;
  s.kind = kind;
  s.line = r.line(n);
  if (!n["name"]) r.fail(n, "expected " + a_stage + " to have a 'name'");
  s.name = r.string(n["name"], "stage name");
  if (s.name.find_first_of("/,[] \t") != std::string::npos)
    r.fail(n["name"], "expected a stage name without '/', ',', brackets or spaces");
  if (s.name == "scopes")  // <output>/deployments/<id>/scopes holds the propagated config scopes
    r.fail(n["name"], "the stage name 'scopes' is reserved (the deployment's config scopes folder)");
  const std::string what = "stage '" + s.name + "'";
  if (auto e = n["environment"]) {
    auto env = check_environment(r.where(e), r.path(e, what + " environment", spec.file.parent_path()),
                                 generated_environment(spec.base_path, s.name));
    s.environment = env.dir;
    s.manifest = env.manifest;
  }
  if (auto d = n["depends"]) s.depends = r.strings(d, what + " depends");
  if (auto p = n["parallel"]) s.parallel = static_cast<int>(r.integer(p, what + " parallel", 1));
  if (auto c = n["run"]) s.run = r.strings(c, what + " run");
  if (kind == "tests" && s.run.empty())
    r.fail(n, "expected test " + what + " to have 'run' commands (the test command template)");
  if (s.run.empty() && s.environment.empty())
    r.fail(n, "expected " + what + " to have an 'environment' (a spack.yaml) or 'run' commands");
  if (auto res = n["resources"]) {
    r.expect_map(res, what + " resources", kResourceKeys);
    if (res["cpus"]) s.resources.cpus = static_cast<int>(r.integer(res["cpus"], "cpus", 1));
    auto size = [&](const char* key) {
      auto v = r.string(res[key], key);
      if (!is_size(v)) r.fail(res[key], "expected " + what + " resources." + key + " to be a size such as 48G or 500M");
      return v;
    };
    if (res["memory"]) s.resources.memory = size("memory");
    if (res["shm"]) s.resources.shm = size("shm");
    if (res["time"]) s.resources.time = r.string(res["time"], "time");
    if (res["partition"]) s.resources.partition = r.string(res["partition"], "partition");
  }
  if (auto t = n["retries"]) s.retries = static_cast<int>(r.integer(t, what + " retries", 0));
  if (auto b = n["retry_backoff"]) s.retry_backoff_s = r.number(b, what + " retry_backoff (seconds)");
  if (auto e = n["estimate"]) s.estimate_min = r.number(e, what + " estimate (minutes)");
  if (auto e = n["env"]) {
    if (!e.IsMap()) r.fail(e, "expected " + what + " env to be a mapping of variables");
    for (const auto& kv : e) {
      auto key = r.string(kv.first, "a variable name");
      if (!kv.second.IsScalar()) r.fail(kv.second, "expected " + what + " env." + key + " to be a string");
      s.env[key] = kv.second.Scalar();
    }
  }
  if (auto m = n["matrix"]) {
    if (m.IsMap()) {
      s.matrix = r.matrix_values(m, what + " matrix");
    } else {
      // A list of axis names taken from the top-level matrix.
      for (const auto& axis : r.strings(m, what + " matrix")) {
        auto it = spec.matrix.find(axis);
        if (it == spec.matrix.end())
          r.fail(m, "expected " + what + " matrix axis '" + axis + "' to be defined in the top-level matrix");
        s.matrix[axis] = it->second;
      }
    }
  }
  return s;
}

}  // namespace

bool is_spack_config_section(const std::string& name) {
  static const std::set<std::string> sections = {
      "bootstrap", "cdash", "ci", "compilers", "concretizer", "config", "definitions", "develop", "env_vars",
      "include", "mirrors", "modules", "packages", "repos", "toolchains", "upstreams", "view"};
  return sections.count(name) > 0;
}

const StageSpec* DeploySpec::find_stage(const std::string& stage) const {
  for (const auto& s : stages)
    if (s.name == stage) return &s;
  return nullptr;
}

DeploySpec parse_deploy_spec(const std::string& text, const fs::path& file) {
  Reader r(file);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(file.string() + ":" + std::to_string(e.mark.line + 1), "malformed YAML: " + e.msg);
  }
  check_yaml_aliases(root, file.string());
  if (!root.IsMap()) throw InputError(file.string() + ":1", "expected a mapping with 'deployment' and 'stages'");
  r.expect_map(root, "the document", kTopKeys);

  DeploySpec spec;
  spec.file = file;
  const fs::path dir = file.parent_path();
  auto d = root["deployment"];
  if (!d) r.fail(root, "expected a 'deployment' section (name, base_path)");
  r.expect_map(d, "deployment", kDeploymentKeys);
  if (!d["name"]) r.fail(d, "expected deployment.name");
  spec.name = r.string(d["name"], "deployment.name");
  spec.base_path = d["base_path"] ? r.path(d["base_path"], "deployment.base_path", dir) : dir;
  if (d["spack"]) spec.spack = r.string(d["spack"], "deployment.spack");

  if (auto m = root["matrix"]) spec.matrix = r.matrix_values(m, "matrix");

  spec.artifacts_output = spec.base_path / "artifacts";
  if (auto a = root["artifacts"]) {
    r.expect_map(a, "artifacts", kArtifactKeys);
    // true/false, or the list of configuration files to propagate.
    if (auto p = a["propagate"]; p && p.IsSequence()) {
      for (const auto& item : p) {
        auto name = r.string(item, "each entry of artifacts.propagate");
        if (name.find('/') != std::string::npos || name[0] == '.' ||
            (!name.ends_with(".yaml") && !name.ends_with(".yml")))
          r.fail(item, "expected each entry of artifacts.propagate to be a configuration file name such as "
                       "packages.yaml (no folders)");
        if (std::find(spec.propagate_files.begin(), spec.propagate_files.end(), name) != spec.propagate_files.end())
          r.fail(item, "duplicate entry '" + name + "' in artifacts.propagate");
        spec.propagate_files.push_back(name);
      }
    } else if (p) {
      if (!p.IsScalar()) r.fail(p, "expected artifacts.propagate to be true, false or a list of file names");
      spec.propagate = r.boolean(p, "artifacts.propagate");
    }
    if (a["output"]) spec.artifacts_output = r.path(a["output"], "artifacts.output", spec.base_path);
  }

  auto stages = root["stages"];
  if (!stages) r.fail(root, "expected a 'stages' list");
  if (!stages.IsSequence() || stages.size() == 0) r.fail(stages, "expected 'stages' to be a non-empty list");
  // Test stages (`tests:`) share the namespace and the dependency rules of
  // build stages; `nodes` keeps each stage's YAML node for messages.
  std::vector<YAML::Node> nodes;
  for (const auto& n : stages) nodes.push_back(n);
  auto tests = root["tests"];
  if (tests && !tests.IsSequence()) r.fail(tests, "expected 'tests' to be a list of test stages");
  if (tests)
    for (const auto& n : tests) nodes.push_back(n);
  std::set<std::string> names;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    auto s = read_stage(r, nodes[i], spec, i < stages.size() ? "build" : "tests");
    if (!names.insert(s.name).second) r.fail(nodes[i], "duplicate stage name '" + s.name + "'");
    spec.stages.push_back(std::move(s));
  }
  for (std::size_t i = 0; i < spec.stages.size(); ++i) {
    for (const auto& dep : spec.stages[i].depends) {
      if (!names.count(dep)) {
        auto dn = nodes[i]["depends"];
        r.fail(dn, "stage '" + spec.stages[i].name + "' depends on unknown stage '" + dep + "'");
      }
    }
  }
  check_acyclic(r, nodes, spec);
  return spec;
}

DeploySpec environment_deploy_spec(const fs::path& environment, const fs::path& base_path) {
  const fs::path given = fs::absolute(environment).lexically_normal();
  std::error_code ec;
  // Named after the environment: its folder, or the manifest's stem.
  std::string name = fs::is_directory(given, ec) || given.filename() == "spack.yaml"
                         ? (fs::is_directory(given, ec) ? given : given.parent_path()).filename().string()
                         : given.stem().string();
  for (char& c : name)
    if (std::string("/,[] \t").find(c) != std::string::npos) c = '-';
  if (name.empty()) name = "environment";
  DeploySpec spec;
  spec.file = given;
  spec.name = name;
  spec.base_path = fs::absolute(base_path);
  spec.artifacts_output = spec.base_path / "artifacts";
  StageSpec s;
  s.name = name;
  s.line = 1;
  auto env = check_environment(environment.string(), given, generated_environment(spec.base_path, name));
  s.environment = env.dir;
  s.manifest = env.manifest;
  spec.stages.push_back(std::move(s));
  return spec;
}

DeploySpec load_deploy_spec(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw InputError(file.string(), "cannot read the deployment file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_deploy_spec(ss.str(), fs::absolute(file));
}

}  // namespace spackext::deploy
