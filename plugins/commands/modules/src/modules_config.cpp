#include "modules_config.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include <spackext/errors.hpp>
#include <spackext/yaml_alias_guard.hpp>

#include "spec_constraint.hpp"

namespace spackext::modules {

namespace {

const std::set<std::string> kSystemSettings = {
    "all", "core_compilers", "core_specs", "filter_hierarchy_specs", "hierarchy", "hash_length",
    "projections", "include", "exclude", "exclude_implicits", "hide_implicits", "defaults",
    "verbose", "naming_scheme", "blacklist", "whitelist", "blacklist_implicits"};
const std::set<std::string> kRuleKeys = {"autoload", "prerequisites", "conflict", "load", "suffixes",
                                         "environment", "filter", "template", "context"};
const std::set<std::string> kEnvironmentKeys = {"set", "unset", "prepend_path", "append_path", "remove_path"};
const std::set<std::string> kSetKeys = {"enable", "roots", "arch_folder", "use_view", "prefix_inspections",
                                        "lmod", "tcl"};
const std::set<std::string> kAutoload = {"none", "run", "direct", "all"};

class Checker {
 public:
  explicit Checker(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const {
    throw InputError(source_ + ":" + std::to_string(node.Mark().line + 1), what);
  }

  nlohmann::json scalar_json(const YAML::Node& node) const {
    const std::string& s = node.Scalar();
    if (node.Tag() == "!") return s;  // quoted
    if (s == "true" || s == "True") return true;
    if (s == "false" || s == "False") return false;
    if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) return std::stol(s);
    return s;
  }

  std::string string(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, "'" + key + "' must be a string");
    return node.Scalar();
  }
  bool boolean(const YAML::Node& node, const std::string& key) const {
    auto v = node.IsScalar() ? scalar_json(node) : nlohmann::json();
    if (!v.is_boolean()) fail(node, "'" + key + "' must be true or false");
    return v.get<bool>();
  }
  nlohmann::json string_list(const YAML::Node& node, const std::string& key) const {
    if (!node.IsSequence()) fail(node, "'" + key + "' must be a list of strings");
    auto out = nlohmann::json::array();
    for (const auto& item : node) out.push_back(string(item, key));
    return out;
  }
  nlohmann::json string_map(const YAML::Node& node, const std::string& key) const {
    if (!node.IsMap()) fail(node, "'" + key + "' must be a map of strings");
    auto out = nlohmann::json::object();
    for (const auto& kv : node) out[kv.first.Scalar()] = string(kv.second, key + ":" + kv.first.Scalar());
    return out;
  }
  void spec_list(const YAML::Node& node, const std::string& key) const {
    for (const auto& item : node) SpecConstraint::parse(item.Scalar(), where(item));
    (void)key;
  }
  std::string where(const YAML::Node& node) const { return source_ + ":" + std::to_string(node.Mark().line + 1); }

  nlohmann::json environment(const YAML::Node& node) const {
    if (!node.IsMap()) fail(node, "'environment' must be a map");
    auto out = nlohmann::json::object();
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      if (!kEnvironmentKeys.count(key))
        fail(kv.first, "Additional properties are not allowed ('" + key + "' was unexpected) in 'environment'");
      if (key == "unset") {
        if (kv.second.IsScalar()) out[key] = nlohmann::json::array({kv.second.Scalar()});
        else out[key] = string_list(kv.second, key);
        continue;
      }
      if (!kv.second.IsMap()) fail(kv.second, "'" + key + "' must be a map of variable names to values");
      // Order matters (modifications apply in order): keep a list of pairs.
      auto pairs = nlohmann::json::array();
      for (const auto& var : kv.second) {
        if (var.second.IsSequence()) {
          std::string joined;  // Spack joins list values with the separator
          for (const auto& part : var.second) joined += (joined.empty() ? "" : ":") + part.Scalar();
          pairs.push_back({var.first.Scalar(), joined});
        } else {
          pairs.push_back({var.first.Scalar(), string(var.second, key + ":" + var.first.Scalar())});
        }
      }
      out[key] = pairs;
    }
    return out;
  }

  nlohmann::json rule(const YAML::Node& node, const std::string& key) const {
    if (node.IsNull()) return nlohmann::json::object();
    if (!node.IsMap()) fail(node, "'" + key + "' must be a map of module settings");
    auto out = nlohmann::json::object();
    for (const auto& kv : node) {
      const std::string k = kv.first.Scalar();
      if (!kRuleKeys.count(k))
        fail(kv.first, "Additional properties are not allowed ('" + k + "' was unexpected) in '" + key + "'");
      if (k == "autoload" || k == "prerequisites") {
        auto v = string(kv.second, k);
        if (!kAutoload.count(v)) fail(kv.second, "'" + v + "' is not one of ['none', 'run', 'direct', 'all']");
        out[k] = v;
      } else if (k == "conflict" || k == "load") {
        out[k] = string_list(kv.second, k);
      } else if (k == "suffixes") {
        out[k] = string_map(kv.second, k);
      } else if (k == "environment") {
        out[k] = environment(kv.second);
      } else if (k == "filter") {
        if (!kv.second.IsMap()) fail(kv.second, "'filter' must be a map");
        for (const auto& f : kv.second) {
          if (f.first.Scalar() != "exclude_env_vars")
            fail(f.first, "Additional properties are not allowed ('" + f.first.Scalar() + "' was unexpected) in 'filter'");
          out[k]["exclude_env_vars"] = string_list(f.second, "exclude_env_vars");
        }
      } else if (k == "template") {
        out[k] = string(kv.second, k);
      } else {
        out[k] = nlohmann::json::object();  // context: only for Spack's jinja templates
      }
    }
    return out;
  }

  nlohmann::json system(const YAML::Node& node, const std::string& name) const {
    if (node.IsNull()) return nlohmann::json::object();
    if (!node.IsMap()) fail(node, "'" + name + "' must be a map");
    auto out = nlohmann::json::object();
    auto order = nlohmann::json::array();  // rule keys in file order (Spack applies them in order)
    for (const auto& kv : node) {
      const std::string k = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (k == "hash_length") {
        auto n = v.IsScalar() ? scalar_json(v) : nlohmann::json();
        if (!n.is_number_integer() || n.get<long>() < 0 || n.get<long>() > 32)
          fail(v, "'hash_length' must be an integer from 0 to 32");
        out[k] = n;
      } else if (k == "core_compilers" || k == "core_specs" || k == "include" || k == "exclude" ||
                 k == "blacklist" || k == "whitelist" || k == "defaults") {
        out[k] = string_list(v, k);
        if (k != "defaults") spec_list(v, k);
      } else if (k == "hierarchy") {
        out[k] = string_list(v, k);
      } else if (k == "projections") {
        out[k] = string_map(v, k);
      } else if (k == "naming_scheme") {
        out[k] = string(v, k);
      } else if (k == "exclude_implicits" || k == "hide_implicits" || k == "verbose" || k == "blacklist_implicits") {
        out[k] = boolean(v, k);
      } else if (k == "filter_hierarchy_specs") {
        if (!v.IsMap()) fail(v, "'filter_hierarchy_specs' must be a map of specs to lists");
        for (const auto& f : v) {
          SpecConstraint::parse(f.first.Scalar(), where(f.first));
          out[k][f.first.Scalar()] = string_list(f.second, k);
        }
      } else if (k == "all") {
        out[k] = rule(v, k);
      } else {
        // Anything else is a spec constraint with its rules; Spack's schema
        // accepts any key here, so a misspelt setting shows up as a bad spec
        // or a bad rule body.
        SpecConstraint::parse(k, where(kv.first));
        if (!v.IsMap() && !v.IsNull())
          fail(kv.first, "Additional properties are not allowed ('" + k + "' was unexpected) in '" + name + "'");
        out[k] = rule(v, k);
        order.push_back(k);
      }
    }
    out["_rule_order"] = order;
    return out;
  }

 private:
  std::string source_;
};

const std::vector<std::pair<std::string, std::vector<std::string>>> kDefaultInspections = {
    {"bin", {"PATH"}},
    {"man", {"MANPATH"}},
    {"share/man", {"MANPATH"}},
    {"share/aclocal", {"ACLOCAL_PATH"}},
    {"lib/pkgconfig", {"PKG_CONFIG_PATH"}},
    {"lib64/pkgconfig", {"PKG_CONFIG_PATH"}},
    {"share/pkgconfig", {"PKG_CONFIG_PATH"}},
    {"", {"CMAKE_PREFIX_PATH"}},
};

void merge_inspections(ModulesConfig& config, const Checker& check, const YAML::Node& node) {
  if (!node.IsMap()) check.fail(node, "'prefix_inspections' must be a map of paths to variable lists");
  for (const auto& kv : node) {
    std::string path = kv.first.Scalar();
    if (path == "./" || path == ".") path = "";
    std::vector<std::string> vars;
    for (const auto& v : check.string_list(kv.second, "prefix_inspections")) vars.push_back(v.get<std::string>());
    bool replaced = false;
    for (auto& [p, existing] : config.prefix_inspections)
      if (p == path) existing = vars, replaced = true;
    if (!replaced) config.prefix_inspections.emplace_back(path, vars);
  }
}

}  // namespace

bool is_system_setting(const std::string& key) { return kSystemSettings.count(key) != 0 || key == "_rule_order"; }

ModulesConfig ModulesConfig::defaults() {
  ModulesConfig c;
  c.prefix_inspections = kDefaultInspections;
  c.lmod = {{"_rule_order", nlohmann::json::array()}};
  c.tcl = {{"_rule_order", nlohmann::json::array()}};
  return c;
}

ModulesConfig ModulesConfig::parse(const std::string& text, const std::string& source, const std::string& set_name) {
  ModulesConfig config = defaults();
  config.source = source;
  config.set_name = set_name;
  Checker check(source);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(source + ":" + std::to_string(e.mark.line + 1), "error parsing YAML: " + e.msg);
  }
  check_yaml_aliases(root, source);
  if (!root.IsMap() || !root["modules"])
    throw InputError(source + ":1", "expected a top-level 'modules:' section (Spack's modules.yaml)");
  const YAML::Node modules = root["modules"];
  if (!modules.IsMap()) check.fail(modules, "'modules' must be a map of module sets");
  bool found = false;
  for (const auto& kv : modules) {
    const std::string key = kv.first.Scalar();
    if (key == "prefix_inspections") {
      merge_inspections(config, check, kv.second);
      continue;
    }
    if (!kv.second.IsMap()) check.fail(kv.first, "module set '" + key + "' must be a map");
    for (const auto& setting : kv.second) {
      const std::string s = setting.first.Scalar();
      if (!kSetKeys.count(s))
        check.fail(setting.first, "Additional properties are not allowed ('" + s + "' was unexpected) in '" + key + "'");
    }
    if (key != set_name) continue;
    found = true;
    for (const auto& setting : kv.second) {
      const std::string s = setting.first.Scalar();
      const YAML::Node& v = setting.second;
      if (s == "enable") {
        for (const auto& e : check.string_list(v, s))
          if (e != "lmod" && e != "tcl") check.fail(v, "'" + e.get<std::string>() + "' is not one of ['lmod', 'tcl']");
      } else if (s == "roots") {
        config.roots = check.string_map(v, s);
      } else if (s == "arch_folder") {
        config.arch_folder = check.boolean(v, s);
      } else if (s == "prefix_inspections") {
        merge_inspections(config, check, v);
      } else if (s == "lmod") {
        config.lmod = check.system(v, "lmod");
      } else if (s == "tcl") {
        config.tcl = check.system(v, "tcl");
      }
    }
  }
  if (!found && set_name != "default")
    throw InputError(source, "no module set '" + set_name + "' under 'modules:'");
  return config;
}

ModulesConfig ModulesConfig::load(const std::filesystem::path& path, const std::string& set_name) {
  std::ifstream in(path, std::ios::binary);
  if (!std::filesystem::is_regular_file(path) || !in)
    throw InputError(path.string(), "no such file (expected Spack's modules.yaml)");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse(buffer.str(), path.string(), set_name);
}

}  // namespace spackext::modules
