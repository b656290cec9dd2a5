#include "module_planner.hpp"

#include <algorithm>
#include <filesystem>

#include <spackext/errors.hpp>
#include <spackext/spack/spec_format.hpp>

#include "spec_constraint.hpp"

namespace spackext::modules {

namespace fs = std::filesystem;

namespace {

// Spack's system paths: never put on PATH & co. by prefix inspection.
bool is_system_path(const std::string& path) {
  std::string p = fs::path(path).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  static const std::set<std::string> kSystem = [] {
    std::set<std::string> s;
    for (std::string root : {"/", "/usr", "/usr/local"}) {
      s.insert(root);
      for (const char* sub : {"bin", "bin64", "include", "lib", "lib64"})
        s.insert((root == "/" ? "" : root) + "/" + sub);
    }
    return s;
  }();
  return kSystem.count(p) != 0;
}

// Merges `update` into `target` the way Spack merges module rules: lists
// extend, maps merge, scalars replace.
void merge_rule(nlohmann::json& target, const nlohmann::json& update) {
  for (const auto& [key, value] : update.items()) {
    auto it = target.find(key);
    if (it != target.end() && it->is_array() && value.is_array()) {
      for (const auto& v : value) it->push_back(v);
    } else if (it != target.end() && it->is_object() && value.is_object()) {
      merge_rule(*it, value);
    } else {
      target[key] = value;
    }
  }
}

bool matches_any(const nlohmann::json& list, const spack::ConcreteSpec& spec, const spack::SpecSet& set,
                 const std::string& where) {
  if (!list.is_array()) return false;
  for (const auto& item : list)
    if (SpecConstraint::parse(item.get<std::string>(), where).matches(spec, &set)) return true;
  return false;
}

std::string upper_token(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

class Planner {
 public:
  explicit Planner(const PlanInput& in) : in_(in), section_(in.config->system(in.system)) {}

  bool excluded(const spack::ConcreteSpec& spec) const {
    const std::string where = in_.config->source + ": " + in_.system;
    bool include = matches_any(section_.value("include", nlohmann::json::array()), spec, *in_.specs, where) ||
                   matches_any(section_.value("whitelist", nlohmann::json::array()), spec, *in_.specs, where);
    bool exclude = matches_any(section_.value("exclude", nlohmann::json::array()), spec, *in_.specs, where) ||
                   matches_any(section_.value("blacklist", nlohmann::json::array()), spec, *in_.specs, where);
    bool implicit = (section_.value("exclude_implicits", false) || section_.value("blacklist_implicits", false)) &&
                    !in_.explicit_hashes.count(spec.hash);
    return !include && (exclude || implicit);
  }

  nlohmann::json rules_for(const spack::ConcreteSpec& spec) const {
    nlohmann::json rules = section_.value("all", nlohmann::json::object());
    for (const auto& key : section_.value("_rule_order", nlohmann::json::array())) {
      const std::string k = key.get<std::string>();
      if (SpecConstraint::parse(k, in_.config->source).matches(spec, in_.specs)) merge_rule(rules, section_[k]);
    }
    return rules;
  }

  std::vector<std::string> autoload(const spack::ConcreteSpec& spec, const std::string& strategy) const {
    std::vector<std::string> out;
    if (strategy == "none") return out;
    if (strategy == "run" || strategy == "direct") {
      std::vector<std::string> types = strategy == "run" ? std::vector<std::string>{"run"}
                                                         : std::vector<std::string>{"link", "run"};
      for (const auto* dep : in_.specs->direct_dependencies(spec, types)) out.push_back(dep->hash);
    } else {  // all: the whole link/run DAG below the spec
      std::vector<const spack::ConcreteSpec*> queue{&spec};
      std::set<std::string> seen{spec.hash};
      for (std::size_t i = 0; i < queue.size(); ++i)
        for (const auto* dep : in_.specs->direct_dependencies(*queue[i], {"link", "run"}))
          if (seen.insert(dep->hash).second) {
            queue.push_back(dep);
            out.push_back(dep->hash);
          }
    }
    return out;
  }

  std::vector<EnvironmentChange> environment(const spack::ConcreteSpec& spec, const std::string& prefix,
                                             const nlohmann::json& rules, bool& prefix_missing) const {
    std::vector<EnvironmentChange> env;
    auto in_tree = [&](const std::string& value) {
      return !in_.install_root.empty() && !spec.external() &&
             (value == in_.install_root || value.rfind(in_.install_root + "/", 0) == 0);
    };
    std::error_code ec;
    prefix_missing = !fs::is_directory(prefix, ec);
    for (const auto& [relative, variables] : in_.config->prefix_inspections) {
      std::string path = relative.empty() ? prefix + "/." : prefix + "/" + relative;
      if (is_system_path(path)) continue;
      if (!fs::is_directory(path, ec)) continue;
      for (const auto& var : variables)
        env.push_back({EnvironmentChange::Kind::prepend_path, var, path, ":", in_tree(path)});
    }
    // What a compiler package sets for users (Spack's gcc/llvm packages set
    // CC/CXX/FC/F77 from the compilers they were detected with).
    if (spec.external_attributes.is_object()) {
      const auto compilers = spec.external_attributes.value("compilers", nlohmann::json::object());
      auto set = [&](const char* lang, std::initializer_list<const char*> vars) {
        if (compilers.contains(lang) && compilers[lang].is_string())
          for (const char* var : vars)
            env.push_back({EnvironmentChange::Kind::set, var, compilers[lang].get<std::string>(), ":", false});
      };
      set("c", {"CC"});
      set("cxx", {"CXX"});
      set("fortran", {"FC", "F77"});
    }
    // Configured modifications, with Spack's token rules: names upper-cased
    // with '-' -> '_', values formatted against the spec.
    spack::SpecFormatOptions name_format;
    name_format.transform = upper_token;
    spack::SpecFormatOptions value_format;
    value_format.prefix = prefix;
    const std::string where = in_.config->source + ": " + in_.system + ": environment";
    auto name_of = [&](const std::string& raw) {
      std::string n = spack::format_spec(spec, raw, name_format);
      std::replace(n.begin(), n.end(), '-', '_');
      return n;
    };
    const auto configured = rules.value("environment", nlohmann::json::object());
    using Kind = EnvironmentChange::Kind;
    const std::pair<const char*, Kind> kinds[] = {{"set", Kind::set},
                                                  {"unset", Kind::unset},
                                                  {"prepend_path", Kind::prepend_path},
                                                  {"append_path", Kind::append_path},
                                                  {"remove_path", Kind::remove_path}};
    for (const auto& [key, kind] : kinds) {
      if (!configured.contains(key)) continue;
      for (const auto& item : configured[key]) {
        if (kind == Kind::unset) {
          env.push_back({kind, name_of(item.get<std::string>()), "", ":", false});
          continue;
        }
        std::string value = spack::format_spec(spec, item[1].get<std::string>(), value_format);
        env.push_back({kind, name_of(item[0].get<std::string>()), value, ":", in_tree(value)});
      }
    }
    // Variables the configuration filters out.
    const auto excluded_vars = rules.value("filter", nlohmann::json::object())
                                   .value("exclude_env_vars", nlohmann::json::array());
    env.erase(std::remove_if(env.begin(), env.end(),
                             [&](const EnvironmentChange& c) {
                               return std::find(excluded_vars.begin(), excluded_vars.end(), c.name) !=
                                      excluded_vars.end();
                             }),
              env.end());
    // A module that touches MANPATH appends an empty entry, so `man` still
    // searches the system's default path after it is loaded.
    bool manpath = std::any_of(env.begin(), env.end(), [](const EnvironmentChange& c) {
      return c.name == "MANPATH" && (c.kind == Kind::prepend_path || c.kind == Kind::append_path);
    });
    if (manpath) env.push_back({Kind::append_path, "MANPATH", "", ":", false});
    (void)where;
    return env;
  }

 private:
  const PlanInput& in_;
  const nlohmann::json& section_;
};

}  // namespace

Plan plan_modules(const PlanInput& input) {
  Planner planner(input);
  Plan plan;
  auto& entries = plan.entries;
  std::set<std::string> included;
  for (const auto& [hash, spec] : input.specs->all())
    if (spec.present && !planner.excluded(spec)) included.insert(hash);
  for (const auto& hash : included) {
    const auto& spec = input.specs->at(hash);
    ModuleEntry entry;
    entry.spec = &spec;
    entry.prefix = input.prefix_of(spec);
    auto rules = planner.rules_for(spec);
    bool missing = false;
    entry.environment = planner.environment(spec, entry.prefix, rules, missing);
    if (missing) plan.missing_prefixes.push_back(entry.prefix);
    entry.description = spec.format() + "/" + spec.short_hash();
    for (const auto& dep : planner.autoload(spec, rules.value("autoload", "direct")))
      if (included.count(dep)) entry.autoload.push_back(dep);
    for (const auto& c : rules.value("conflict", nlohmann::json::array())) entry.conflicts.push_back(c);
    for (const auto& l : rules.value("load", nlohmann::json::array())) entry.load.push_back(l);
    entries.push_back(std::move(entry));
  }
  return plan;
}

}  // namespace spackext::modules
