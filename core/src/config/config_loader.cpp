#include "config/config_loader.hpp"

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "spackext/errors.hpp"
#include "spackext/yaml_alias_guard.hpp"

namespace spackext::core {
namespace {

using nlohmann::json;

json scalar_to_json(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return s;  // quoted: always a string
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  long long i;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (ec == std::errc() && p == s.data() + s.size()) return i;
  if (s.find_first_of(".eE") != std::string::npos && s.find_first_not_of("0123456789+-.eE") == std::string::npos) {
    try {
      std::size_t used = 0;
      double d = std::stod(s, &used);
      if (used == s.size()) return d;
    } catch (...) {
    }
  }
  return s;
}

// Aliases that would recurse forever or expand without bound stop here
// (YamlAliasGuard), thrown as a YAML error so yaml_to_json reports them with
// file:line:column.
json node_to_json(const YAML::Node& node, YamlAliasGuard& guard) {
  if (auto problem = guard.enter(node)) throw YAML::ParserException(node.Mark(), *problem);
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      json a = json::array();
      for (const auto& item : node) a.push_back(node_to_json(item, guard));
      guard.leave();
      return a;
    }
    case YAML::NodeType::Map: {
      json o = json::object();
      for (const auto& kv : node) o[kv.first.as<std::string>()] = node_to_json(kv.second, guard);
      guard.leave();
      return o;
    }
  }
  return nullptr;
}

void merge_into(json& base, const json& top) {
  if (base.is_object() && top.is_object()) {
    for (auto& [k, v] : top.items()) {
      if (base.contains(k)) merge_into(base[k], v);
      else base[k] = v;
    }
  } else {
    base = top;
  }
}

bool read_text(const std::filesystem::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

}  // namespace

json yaml_to_json(const std::string& text, const std::string& file_name) {
  try {
    YAML::Node root = YAML::Load(text);
    YamlAliasGuard guard;
    return node_to_json(root, guard);
  } catch (const YAML::Exception& e) {
    throw InputError(file_name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
                     "invalid YAML: " + e.msg);
  }
}

Config load_config(const ConfigSources& sources) {
  json tree = json::object();
  std::vector<std::string> used;
  auto apply_file = [&](const std::filesystem::path& file, bool required) {
    std::string text;
    if (!read_text(file, text)) {
      if (required) throw InputError(file.string(), "cannot read the configuration file");
      return;
    }
    json doc = yaml_to_json(text, file.string());
    if (doc.is_null()) return;  // an empty file
    if (!doc.is_object())
      throw InputError(file.string() + ":1", "the configuration must be a mapping of keys to values");
    merge_into(tree, doc);
    used.push_back(file.string());
  };
  apply_file(sources.site_dir / "config.yaml", false);
  apply_file(sources.user_dir / "config.yaml", false);
  apply_file(sources.working_dir / "spack-ext.yaml", false);
  if (sources.explicit_file) apply_file(*sources.explicit_file, true);

  bool from_env = false;
  for (const auto& [name, value] : sources.environment) {
    // SPACK_EXT_DEPLOY__JOBS=4 -> deploy.jobs: 4
    std::string key = name.substr(std::string("SPACK_EXT_").size());
    json* node = &tree;
    std::size_t start = 0;
    while (true) {
      auto sep = key.find("__", start);
      std::string part = key.substr(start, sep - start);
      for (auto& c : part) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!node->is_object()) *node = json::object();
      node = &(*node)[part];
      if (sep == std::string::npos) break;
      start = sep + 2;
    }
    *node = yaml_to_json(value, "environment variable " + name);
    from_env = true;
  }
  if (from_env) used.push_back("environment");
  return Config(std::move(tree), std::move(used));
}

}  // namespace spackext::core
