// Spack's modules.yaml (spack-formats.md §4), read and checked as Spack's
// schema does: an unknown key or a wrong type is an InputError naming the
// file and line. Values are kept as JSON for the writers.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace spackext::modules {

struct ModulesConfig {
  std::string source;  // the file, for messages ("" for built-in defaults)
  std::string set_name = "default";
  // The `lmod:` / `tcl:` section of the chosen set ({} if absent).
  nlohmann::json lmod = nlohmann::json::object();
  nlohmann::json tcl = nlohmann::json::object();
  // Ordered (relative path, variables) pairs: Spack's defaults overlaid with
  // `modules:prefix_inspections` and the set's own.
  std::vector<std::pair<std::string, std::vector<std::string>>> prefix_inspections;
  nlohmann::json roots = nlohmann::json::object();
  bool arch_folder = true;

  const nlohmann::json& system(const std::string& name) const { return name == "lmod" ? lmod : tcl; }

  // Spack's defaults (no modules.yaml given).
  static ModulesConfig defaults();
  // Reads `path`; `set_name` picks the module set ("default").
  static ModulesConfig load(const std::filesystem::path& path, const std::string& set_name = "default");
  static ModulesConfig parse(const std::string& text, const std::string& source,
                             const std::string& set_name = "default");
};

// The keys of a system section that are settings, not spec constraints.
bool is_system_setting(const std::string& key);

}  // namespace spackext::modules
