#include <map>

#include "spackext/errors.hpp"
#include "spackext/services/modules.hpp"
#include "spackext/spack/spec_format.hpp"

namespace spackext::module_files {

std::string use_name(const spack::ConcreteSpec& spec, const nlohmann::json& config,
                     const std::string& default_projection) {
  std::string projection = default_projection;
  const auto projections = config.value("projections", nlohmann::json::object());
  if (projections.contains(spec.name)) {
    projection = projections[spec.name].get<std::string>();
  } else if (projections.contains("all")) {
    projection = projections["all"].get<std::string>();
  } else if (config.contains("naming_scheme")) {
    projection = config["naming_scheme"].get<std::string>();
  }
  std::string name = spack::format_spec(spec, projection);
  const long hash_length = config.value("hash_length", 7L);
  if (hash_length > 0) name += "-" + spec.short_hash(static_cast<std::size_t>(hash_length));
  return name;
}

void check_unique_paths(const std::vector<ModuleFile>& files, const spack::SpecSet& specs) {
  std::map<std::string, std::vector<std::string>> by_path;
  for (const auto& f : files) by_path[f.relative_path].push_back(f.hash);
  std::string clashes;
  for (const auto& [path, hashes] : by_path) {
    if (hashes.size() < 2) continue;
    clashes += "\n  file: " + path;
    for (const auto& h : hashes) {
      const auto& s = specs.at(h);
      clashes += "\n    spec: " + s.name + "@" + s.version + "/" + s.short_hash();
    }
  }
  if (!clashes.empty())
    throw InputError("modules.yaml",
                     "name clashes detected in module files (make the projections tell these specs apart, "
                     "e.g. with a hash_length or {hash:7}):" + clashes);
}

nlohmann::json base_context(const ModuleEntry& entry, const ModuleRequest& request,
                            const std::map<std::string, std::string>& use_names_by_hash) {
  const auto& spec = *entry.spec;
  nlohmann::json autoload = nlohmann::json::array();
  for (const auto& hash : entry.autoload)
    if (auto it = use_names_by_hash.find(hash); it != use_names_by_hash.end()) autoload.push_back(it->second);
  for (const auto& literal : entry.load) autoload.push_back(literal);
  // `conflict` entries are Spack formats: `{name}` conflicts with every
  // other version of the package.
  nlohmann::json conflicts = nlohmann::json::array();
  for (const auto& c : entry.conflicts) conflicts.push_back(spack::format_spec(spec, c));
  return {{"spec", entry.description},
          {"name", spec.name},
          {"version", spec.version},
          {"target", spec.arch.target},
          {"external", spec.external()},
          {"relocatable", !request.prefix_variable.empty()},
          {"variable", request.prefix_variable},
          {"install_root", request.install_root},
          {"conflicts", conflicts},
          {"has_autoload", !autoload.empty()},
          {"autoload", autoload}};
}

}  // namespace spackext::module_files
