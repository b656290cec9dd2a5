#include "mirror_names.hpp"

#include <yaml-cpp/yaml.h>

#include <spackext/errors.hpp>
#include <spackext/yaml_alias_guard.hpp>

namespace spackext::modules {

namespace {

// The document was checked by check_yaml_aliases: a plain walk ends.
nlohmann::json to_json(const YAML::Node& n) {
  if (n.IsMap()) {
    auto j = nlohmann::json::object();
    for (const auto& kv : n) j[kv.first.Scalar()] = to_json(kv.second);
    return j;
  }
  if (n.IsSequence()) {
    auto j = nlohmann::json::array();
    for (const auto& e : n) j.push_back(to_json(e));
    return j;
  }
  if (n.IsScalar()) return n.Scalar();
  return nullptr;
}

}  // namespace

std::optional<NamedMirror> find_named_mirror(const std::filesystem::path& mirrors_yaml, const std::string& name) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(mirrors_yaml, ec)) return std::nullopt;
  YAML::Node doc;
  try {
    doc = YAML::LoadFile(mirrors_yaml.string());
  } catch (const YAML::Exception& e) {
    throw InputError(mirrors_yaml.string() + ":" + std::to_string(e.mark.line + 1), "error parsing YAML: " + e.msg);
  }
  check_yaml_aliases(doc, mirrors_yaml.string());
  const YAML::Node mirrors = doc["mirrors"];
  if (!mirrors || !mirrors.IsMap() || !mirrors[name]) return std::nullopt;
  const YAML::Node entry = mirrors[name];
  NamedMirror out;
  out.settings = to_json(entry);
  if (entry.IsScalar()) {
    out.url = entry.Scalar();
    out.settings = {{"url", out.url}};
  } else if (entry["fetch"] && entry["fetch"].IsScalar()) {
    out.url = entry["fetch"].Scalar();
  } else if (entry["fetch"] && entry["fetch"]["url"]) {
    out.url = entry["fetch"]["url"].Scalar();
    // Connection settings of the fetch side win for reading.
    for (const auto& [k, v] : out.settings["fetch"].items()) out.settings[k] = v;
  } else if (entry["url"]) {
    out.url = entry["url"].Scalar();
  } else {
    throw InputError(mirrors_yaml.string() + ":" + std::to_string(entry.Mark().line + 1),
                     "mirror '" + name + "' has no url");
  }
  out.settings["url"] = out.url;
  return out;
}

}  // namespace spackext::modules
