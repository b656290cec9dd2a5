#include "site_generator.hpp"

#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <future>
#include <regex>
#include <sstream>
#include <thread>

#include "compiler_discovery.hpp"
#include "external_discovery.hpp"
#include "known_targets.hpp"
#include "scope_validator.hpp"
#include "spackext/errors.hpp"
#include "spackext/services/optimizer.hpp"
#include "spackext/services/provider.hpp"

namespace spackext::config {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string uname_machine() {
  utsname u{};
  return uname(&u) == 0 ? std::string(u.machine) : std::string("x86_64");
}

// Spack's operating-system name: debian12, ubuntu22.04, rhel9, rocky8, ...
std::string operating_system() {
  std::string id, version;
  std::istringstream lines(read_text("/etc/os-release"));
  std::string line;
  auto value = [](const std::string& l) {
    std::string v = l.substr(l.find('=') + 1);
    v.erase(std::remove(v.begin(), v.end(), '"'), v.end());
    return v;
  };
  while (std::getline(lines, line)) {
    if (line.rfind("ID=", 0) == 0) id = value(line);
    if (line.rfind("VERSION_ID=", 0) == 0) version = value(line);
  }
  if (id.empty()) return "linux";
  if (id != "ubuntu") version = version.substr(0, version.find('.'));
  return id + version;
}

std::string known_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

// The provider service for `name`, or an InputError naming the installed ones.
std::shared_ptr<Provider> provider_named(Registry& registry, const std::string& name) {
  if (auto p = registry.find<Provider>(name)) return p;
  std::vector<std::string> names;
  registry.all<Provider>();  // load them all so the list is complete
  for (const auto& info : registry.list(Provider::kKind)) names.push_back(info.name);
  throw InputError("--provider", "unknown provider '" + name + "' (installed: " + known_names(names) + ")");
}

// The catalog entry of the most confident detected cloud instance, {} when
// none. An instance type the catalog does not know yet (a new family) still
// names provider, type and region; the CPU is then left to the optimizers.
json detected_cloud(Registry& registry) {
  registry.all<Provider>();  // load every provider plugin
  std::shared_ptr<Provider> best;
  ProviderDetection best_found;
  std::string best_name;
  for (const auto& info : registry.list(Provider::kKind)) {
    if (info.name == "site") continue;  // site facts are gathered separately
    auto p = registry.find<Provider>(info.name);
    if (!p) continue;
    auto found = p->detect();
    if (found.detected && found.confidence > best_found.confidence) {
      best = p;
      best_found = found;
      best_name = info.name;
    }
  }
  if (!best || !best_found.details.contains("instance_type")) return json::object();
  json want{{"instance_type", best_found.details["instance_type"]}};
  if (best_found.details.contains("region")) want["region"] = best_found.details["region"];
  try {
    return best->site_context(want);
  } catch (const InputError&) {
    want["provider"] = best_name;
    return want;
  }
}

// Where the scope is for: a named provider (and instance type), the most
// confident detection, or nowhere in particular.
json resolve_cloud(Registry& registry, const GenerateRequest& r) {
  if (r.provider == "site") return json::object();  // site facts only
  if (!r.provider.empty()) {
    auto provider = provider_named(registry, r.provider);
    json want = json::object();
    if (!r.instance_type.empty()) want["instance_type"] = r.instance_type;
    if (!r.region.empty()) want["region"] = r.region;
    return provider->site_context(want);
  }
  return r.auto_detect ? detected_cloud(registry) : json::object();
}

// The archspec name of this CPU from the optimizer plugins, "" if none answers.
std::string detect_microarch(Registry& registry, const std::string& machine) {
  auto optimizers = registry.all<Optimizer>();
  if (optimizers.empty()) return {};
  CpuDescription cpu;
  cpu.machine = machine;
  cpu.cpuinfo = read_text("/proc/cpuinfo");
  cpu.origin = "/proc/cpuinfo";
  for (const auto& o : optimizers) {
    if (auto found = o->detect(cpu)) return found->name;
  }
  return {};
}

// The packages.yaml entries the templates iterate over, keyed by package.
class PackageTable {
 public:
  json& entry(const std::string& name) {
    for (auto& e : list_) {
      if (e["name"] == name) return e;
    }
    list_.push_back({{"name", name}, {"externals", json::array()}});
    return list_.back();
  }
  json to_json() {
    for (auto& e : list_) e["has_externals"] = !e["externals"].empty();
    return list_;
  }

 private:
  json list_ = json::array();
};

void check_spack_version(const std::string& v) {
  static const std::regex ok(R"(^(1(\.[0-9]+)?|0\.2[0-3])$)");
  if (!std::regex_match(v, ok)) {
    throw InputError("--spack-version", "unsupported Spack version '" + v + "' (expected 1.x, e.g. 1.1, or 0.20-0.23)");
  }
}

// Writes `files` into a fresh folder beside `output`, then renames it (or,
// when `output` already exists, each file) into place.
void publish(const fs::path& output, const std::vector<std::pair<std::string, std::string>>& files) {
  const fs::path parent = output.parent_path().empty() ? fs::path(".") : output.parent_path();
  fs::create_directories(parent);
  std::string pattern = (parent / ("." + output.filename().string() + ".tmp-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) throw Error("cannot create a temporary folder in " + parent.string());
  const fs::path temp = pattern;
  try {
    for (const auto& [name, text] : files) {
      std::ofstream out(temp / name, std::ios::binary);
      out << text;
      out.close();
      if (!out) throw Error("cannot write " + (temp / name).string());
      if (fs::path(name).extension() == ".sh") {
        fs::permissions(temp / name, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                        fs::perm_options::add);
      }
    }
    fs::permissions(temp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
    if (!fs::exists(output)) {
      fs::rename(temp, output);
      return;
    }
    if (!fs::is_directory(output)) throw InputError(output.string(), "exists and is not a directory");
    for (const auto& [name, text] : files) fs::rename(temp / name, output / name);
    fs::remove_all(temp);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(temp, ec);
    throw;
  }
}

// Mustache leaves a blank line for each section tag on a line of its own;
// generated YAML reads better without them.
std::string drop_blank_lines(const std::string& text) {
  std::string out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) out += line + "\n";
  }
  return out;
}

}  // namespace

std::pair<std::string, std::string> parse_var(const std::string& text) {
  static const std::regex key_re("^[A-Za-z_][A-Za-z0-9_]*$");
  auto eq = text.find('=');
  if (eq == std::string::npos) {
    throw InputError("--var", "'" + text + "' is not KEY=VALUE (no '=')");
  }
  std::string key = text.substr(0, eq);
  if (!std::regex_match(key, key_re)) {
    throw InputError("--var", "'" + text + "': the key '" + key +
                                  "' must be letters, digits and '_' and not start with a digit");
  }
  return {key, text.substr(eq + 1)};
}

SiteGenerator::SiteGenerator(Registry& registry, TemplateStore templates, const Config& config,
                             fs::path probe_cache)
    : registry_(registry), templates_(std::move(templates)), config_(config), probe_cache_(std::move(probe_cache)) {}

json SiteGenerator::build_context(const GenerateRequest& r) {
  check_spack_version(r.spack_version);
  if ((!r.instance_type.empty() || !r.region.empty()) && r.provider.empty()) {
    throw InputError("--instance-type", "--instance-type and --region need --provider");
  }
  if (!r.arch.empty() && !known_targets().count(r.arch)) {
    std::vector<std::string> names;
    for (const auto& [name, family] : known_targets()) names.push_back(name);
    throw InputError("--arch", "unknown microarchitecture '" + r.arch + "'; did you mean '" +
                                   closest_name(r.arch, names) + "'?");
  }
  for (const auto& prefix : r.compiler_prefixes) {
    std::error_code ec;
    if (!fs::is_directory(prefix, ec)) {
      throw InputError("--compiler-prefix", "'" + prefix.string() + "' is not a directory");
    }
  }
  // Site profile variables from spack-ext's own configuration (sites.<name>).
  json site_vars = json::object();
  if (!r.site.empty()) {
    const json& sites = config_.at("sites");
    if (sites.is_object() && !sites.contains(r.site)) {
      std::vector<std::string> names;
      for (const auto& [name, v] : sites.items()) names.push_back(name);
      throw InputError("--site", "unknown site '" + r.site + "' (configured: " + known_names(names) + ")");
    }
    if (sites.is_object()) site_vars = sites[r.site];
  }

  json ctx;
  const bool spack_1x = r.spack_version[0] == '1';
  ctx["spack_version"] = r.spack_version;
  ctx["spack_1x"] = spack_1x;
  ctx["spack_0x"] = !spack_1x;
  ctx["site_name"] = r.site.empty() ? "site" : r.site;

  json cloud = resolve_cloud(registry_, r);
  json site = json::object();
  if (r.auto_detect || !r.site.empty() || r.provider == "site") {
    if (auto p = registry_.find<Provider>("site")) site = p->site_context({});
  }
  ctx["cloud"] = cloud;
  ctx["has_cloud"] = cloud.contains("instance_type");
  ctx["site"] = site;
  ctx["has_slurm"] = site.contains("slurm") && !site["slurm"].is_null();

  // The target: --arch, the instance's CPU, the optimizers, the machine family.
  const std::string machine = uname_machine();
  std::string arch = r.arch;
  if (arch.empty() && cloud.contains("microarch")) arch = cloud["microarch"].get<std::string>();
  if (arch.empty()) arch = detect_microarch(registry_, machine);
  if (arch.empty()) arch = machine;
  std::string family = known_targets().count(arch) ? known_targets().at(arch) : machine;
  ctx["target"] = arch;
  ctx["target_family"] = family;
  ctx["os"] = operating_system();

  // Compilers and externals: probe in parallel, they are independent.
  std::vector<fs::path> extra_dirs;
  if (cloud.contains("mpi")) {
    const json prefixes = cloud["mpi"].value("search_prefixes", json::array());
    for (const auto& p : prefixes) {
      extra_dirs.push_back(fs::path(p.get<std::string>()) / "bin");
    }
  }
  ProbeCache cache(probe_cache_, r.rescan);
  auto compilers_future =
      std::async(std::launch::async, [&] { return discover_compilers(r.compiler_prefixes, true, &cache); });
  auto externals = discover_externals(extra_dirs, true, &cache);
  auto compilers = compilers_future.get();
  cache.save();

  PackageTable packages;
  json compiler_list = json::array();
  for (const auto& c : compilers) {
    json entry = c.to_json();
    entry["legacy_spec"] = c.legacy_spec();
    for (const auto& [lang, path] : c.languages) entry[lang] = path.string();
    compiler_list.push_back(entry);
    if (spack_1x) {
      json external{{"spec", c.external_spec()}, {"prefix", c.prefix.string()}, {"is_compiler", true}};
      for (const auto& [lang, path] : c.languages) external[lang] = path.string();
      packages.entry(c.package)["externals"].push_back(external);
    }
  }
  ctx["compilers"] = compiler_list;
  ctx["has_compilers"] = !compiler_list.empty();
  std::string core_compiler;
  for (const auto& c : compilers) {
    if (c.package == "gcc") {
      core_compiler = "gcc@" + c.version;
      break;
    }
  }
  if (core_compiler.empty() && !compilers.empty()) {
    core_compiler = compilers.front().package + "@" + compilers.front().version;
  }
  ctx["core_compiler"] = core_compiler;

  // Slurm clients without a site configuration cannot say their version;
  // the site provider found it anyway.
  const bool slurm_probed = std::any_of(externals.begin(), externals.end(),
                                        [](const DiscoveredExternal& e) { return e.package == "slurm"; });
  if (!slurm_probed && ctx["has_slurm"].get<bool>()) {
    const json& slurm = site["slurm"];
    DiscoveredExternal e{"slurm", slurm.value("version", ""),
                         fs::path(slurm.value("command", "")).parent_path().parent_path(), false};
    if (!e.version.empty()) externals.push_back(e);
  }
  for (const auto& e : externals) {
    auto& entry = packages.entry(e.package);
    entry["externals"].push_back({{"spec", e.spec()}, {"prefix", e.prefix.string()}});
    if (!e.buildable) entry["not_buildable"] = true;
  }

  // MPI: what fits the instance's fabric, else an MPI found on the host.
  std::string mpi;
  if (cloud.contains("mpi")) mpi = cloud["mpi"].value("provider", "");
  for (const auto& e : externals) {
    if (mpi.empty() && (e.package == "openmpi" || e.package == "mpich")) mpi = e.package;
  }
  ctx["mpi_provider"] = mpi;
  if (!mpi.empty()) {
    std::string variants = cloud.contains("mpi") ? cloud["mpi"].value("variants", "") : "";
    if (ctx["has_slurm"].get<bool>() && mpi == "openmpi") variants += (variants.empty() ? "" : " ") + std::string("schedulers=slurm");
    if (!variants.empty()) packages.entry(mpi)["variants"] = variants;
  }
  json mpi_env = json::array();
  if (cloud.contains("mpi")) {
    const json environment = cloud["mpi"].value("environment", json::object());
    for (const auto& [k, v] : environment.items()) {
      mpi_env.push_back({{"name", k}, {"value", v}});
    }
  }
  ctx["mpi_environment"] = mpi_env;
  if (cloud.value("gpus", 0) > 0 && cloud.contains("cuda_arch")) {
    ctx["all_variants"] = "+cuda cuda_arch=" + cloud["cuda_arch"].get<std::string>();
  }
  ctx["packages"] = packages.to_json();

  // Defaults a site overrides with --var or its profile.
  unsigned jobs = cloud.contains("vcpus") ? cloud["vcpus"].get<unsigned>() : std::thread::hardware_concurrency();
  ctx["build_jobs"] = std::to_string(std::max(1u, jobs));
  ctx["install_root"] = "$spack/opt/spack";
  ctx["build_stage"] = "$tempdir/$user/spack-stage";
  ctx["source_cache"] = "$spack/var/spack/cache";
  ctx["misc_cache"] = "$user_cache_path/cache";
  // Module files for the system the site runs: Environment Modules reads
  // Tcl module files, Lmod (the default) gets the hierarchy.
  const bool tcl = site.contains("module_system") && site["module_system"].is_object() &&
                   site["module_system"].value("name", "") == "environment-modules";
  ctx["modules_tool"] = tcl ? "tcl" : "lmod";
  ctx["modules_lmod"] = !tcl;
  ctx["modules_tcl"] = tcl;
  ctx["modules_root"] = tcl ? "$spack/share/spack/modules" : "$spack/share/spack/lmod";
  ctx["mirror_name"] = "site-buildcache";
  ctx["spack_root"] = "$SPACK_ROOT";

  // User variables: site profile first, --var over it. Computed structures
  // (lists, maps, flags) are not replaceable by a string.
  json user = site_vars;
  for (const auto& [k, v] : r.vars) user[k] = v;
  for (const auto& [k, v] : user.items()) {
    if (ctx.contains(k) && !ctx[k].is_string()) {
      throw InputError("--var", "'" + k + "' is computed by the generator and cannot be set");
    }
    ctx[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  ctx["has_mirror"] = ctx.contains("mirror_url") && !ctx["mirror_url"].get<std::string>().empty();

  // The names the documented template interface uses (site_name above).
  ctx["architecture"] = ctx["target"];
  ctx["target_arch"] = ctx["target"];
  ctx["use_buildcache"] = ctx["has_mirror"];
  ctx["buildcache_url"] = ctx.value("mirror_url", "");
  json detected = json::array();
  for (const auto& c : ctx["compilers"])
    detected.push_back({{"name", c.value("package", "")}, {"version", c.value("version", "")},
                        {"cc", c.value("c", "")}, {"cxx", c.value("cxx", "")}, {"f77", c.value("fortran", "")}});
  ctx["detected_compilers"] = detected;
  // The user's variables, listed in each file's header so a generated scope
  // says what it was made from (one line each: a value never breaks a comment).
  json variables = json::array();
  for (const auto& [k, v] : user.items()) {
    std::string value = ctx[k].get<std::string>();
    std::replace(value.begin(), value.end(), '\n', ' ');
    variables.push_back({{"name", k}, {"value", value}});
  }
  ctx["variables"] = variables;
  return ctx;
}

fs::path default_output_folder(const GenerateRequest& r) {
  std::string name;
  if (!r.site.empty()) name = r.site;
  else if (!r.provider.empty() && !r.instance_type.empty()) name = r.provider + "-" + r.instance_type;
  else if (!r.provider.empty()) name = r.provider;
  else {
    char host[256] = {};
    name = ::gethostname(host, sizeof host - 1) == 0 && host[0] ? host : "site";
  }
  for (auto& c : name)
    if (c == '/' || c == '\\' || c == ' ') c = '_';
  return fs::path(name + "-config");
}

GenerateResult SiteGenerator::generate(const GenerateRequest& request) {
  TemplateSet set = templates_.find(request.template_set);
  GenerateResult result;
  result.output = request.output.empty() ? default_output_folder(request) : request.output.lexically_normal();
  if (result.output.filename().empty()) result.output = result.output.parent_path();  // "configs/lab/"
  if (request.output.empty() && !request.force && fs::is_directory(result.output) &&
      !fs::is_empty(result.output))
    throw InputError(result.output.string(),
                     "exists and is not empty; give --output DIR, or --force to write into it");
  result.context = build_context(request);

  ScopeValidator validator;
  std::vector<std::pair<std::string, std::string>> rendered;
  for (const auto& file : set.files) {
    std::string text = render_template(set.dir / file, result.context);
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) continue;  // not for this Spack version
    const std::string name = fs::path(file).stem().string();
    if (fs::path(name).extension() == ".yaml") {
      text = drop_blank_lines(text);
      auto issues = validator.validate_text(text, name);
      if (!issues.empty()) {
        throw InputError((set.dir / file).string(),
                         "renders an invalid Spack scope file: " + issues.front().to_string());
      }
    }
    rendered.emplace_back(name, std::move(text));
    result.files.push_back(name);
  }
  publish(result.output, rendered);
  return result;
}

}  // namespace spackext::config
