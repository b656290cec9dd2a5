#include "buildinfo.hpp"

#include <yaml-cpp/yaml.h>

#include <spackext/errors.hpp>
#include <spackext/yaml_alias_guard.hpp>

#include "product_manifest.hpp"

namespace spackext::product {

BuildInfo read_buildinfo(const std::filesystem::path& file) {
  const std::string where = file.string();
  YAML::Node doc;
  try {
    doc = YAML::LoadFile(where);
  } catch (const YAML::Exception& e) {
    throw InputError(where + ":" + std::to_string(e.mark.line + 1), "not Spack's buildinfo: " + e.msg);
  }
  check_yaml_aliases(doc, where);
  if (!doc.IsMap()) throw InputError(where, "not Spack's buildinfo (expected a map)");
  auto scalar = [&](const char* key) {
    if (!doc[key] || !doc[key].IsScalar()) throw InputError(where, std::string("buildinfo lacks '") + key + "'");
    return doc[key].as<std::string>();
  };
  auto paths = [&](const char* key) {
    std::vector<std::string> out;
    if (!doc[key]) return out;
    if (!doc[key].IsSequence()) throw InputError(where + ":" + std::to_string(doc[key].Mark().line + 1), std::string("'") + key + "' must be a list");
    for (const auto& item : doc[key]) {
      auto p = item.as<std::string>();
      if (!is_safe_relative(p)) throw InputError(where, std::string("'") + key + "' names an unsafe path: " + p);
      out.push_back(p);
    }
    return out;
  };
  BuildInfo info;
  info.buildpath = scalar("buildpath");
  info.relative_prefix = scalar("relative_prefix");
  while (info.buildpath.size() > 1 && info.buildpath.back() == '/') info.buildpath.pop_back();
  if (doc["hash_to_prefix"]) {
    if (!doc["hash_to_prefix"].IsMap()) throw InputError(where, "'hash_to_prefix' must be a map");
    for (const auto& kv : doc["hash_to_prefix"]) info.hash_to_prefix[kv.first.as<std::string>()] = kv.second.as<std::string>();
  }
  info.relocate_binaries = paths("relocate_binaries");
  info.relocate_textfiles = paths("relocate_textfiles");
  info.relocate_links = paths("relocate_links");
  return info;
}

}  // namespace spackext::product
