#include "lmod_writer.hpp"

#include <algorithm>

#include <spackext/errors.hpp>
#include <spackext/microarch/database.hpp>
#include <spackext/templates.hpp>

#include "lmod_hierarchy.hpp"
#include "lua_text.hpp"

namespace spackext::lmod {

namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Lmod's arch folder uses the target's family: linux-debian12-x86_64.
std::string target_family(const std::string& target) {
  static const auto db = microarch::Database::builtin();
  if (const auto* t = db->find(target); t && !t->family.empty()) return t->family;
  return target;
}

std::size_t depth_of(const std::string& relative_path) {
  return static_cast<std::size_t>(std::count(relative_path.begin(), relative_path.end(), '/')) + 1;
}

class Renderer {
 public:
  Renderer(const ModuleRequest& request, const Hierarchy& hierarchy)
      : request_(request), hierarchy_(hierarchy), relocatable_(!request.prefix_variable.empty()) {}

  // A software path: absolute, or install_root-relative when relocatable.
  std::string path_value(const EnvironmentChange& change) const {
    if (!relocatable_ || !change.in_install_tree) return lua_quote(change.value);
    std::string rel = change.value.substr(request_.install_root.size());
    if (!rel.empty() && rel[0] == '/') rel.erase(0, 1);
    return rel.empty() ? "install_root" : "pathJoin(install_root, " + lua_quote(rel) + ")";
  }

  // A module folder: absolute, or relative to this file when relocatable.
  std::string module_path(const std::string& below_root) const {
    if (!relocatable_) return lua_quote(request_.root + "/" + below_root);
    return "pathJoin(module_root, " + lua_quote(below_root) + ")";
  }

  std::string environment_line(const EnvironmentChange& c) const {
    using Kind = EnvironmentChange::Kind;
    const std::string name = lua_quote(c.name);
    switch (c.kind) {
      case Kind::set: return "setenv(" + name + ", " + path_value(c) + ")";
      case Kind::unset: return "unsetenv(" + name + ")";
      case Kind::prepend_path: return "prepend_path(" + name + ", " + path_value(c) + ", " + lua_quote(c.separator) + ")";
      case Kind::append_path: return "append_path(" + name + ", " + path_value(c) + ", " + lua_quote(c.separator) + ")";
      case Kind::remove_path: return "remove_path(" + name + ", " + path_value(c) + ", " + lua_quote(c.separator) + ")";
    }
    return {};
  }

  nlohmann::json context(const ModuleEntry& entry, const std::string& arch, const std::string& relative_path,
                         const std::map<std::string, std::string>& use_names) const {
    const auto& spec = *entry.spec;
    nlohmann::json d = module_files::base_context(entry, request_, use_names);

    auto provides = hierarchy_.provides_of(spec);
    auto families = nlohmann::json::array();
    auto provided = nlohmann::json::array();
    for (const auto& token : hierarchy_.tokens()) {
      auto it = provides.find(token);
      if (it == provides.end()) continue;
      families.push_back(token);
      if (token == "compiler") continue;
      provided.push_back({{"upper", upper(token)},
                          {"name", it->second.name},
                          {"version", it->second.version + "-" + it->second.hash.substr(0, 7)}});
    }
    d["has_families"] = !provides.empty();
    d["families"] = families;
    d["provides"] = provided;

    auto unlocked = hierarchy_.unlocked_by(spec);
    auto always = nlohmann::json::array();
    for (const auto& folder : unlocked.always) always.push_back(module_path(arch + folder));
    d["has_unlocked"] = !unlocked.always.empty();
    d["unlocked"] = always;
    d["has_conditional"] = !provides.empty() && !(provides.size() == 1 && provides.count("compiler"));
    auto missing = nlohmann::json::array();
    for (const auto& token : hierarchy_.missing_of(spec)) missing.push_back({{"token", token}, {"upper", upper(token)}});
    d["missing"] = missing;
    auto conditions = nlohmann::json::array();
    for (const auto& c : unlocked.conditional) {
      std::string condition;
      for (const auto& token : c.missing)
        condition += (condition.empty() ? "" : " and ") + token + "_name and " + token + "_version";
      std::string path = module_path(arch.substr(0, arch.size() - 1));
      for (const auto& part : c.parts)
        path = "pathJoin(" + path + ", " +
               (part[0] == '@' ? part.substr(1) + "_name, " + part.substr(1) + "_version" : lua_quote(part)) + ")";
      conditions.push_back({{"condition", condition}, {"path", path}});
    }
    d["conditional"] = conditions;
    d["relocatable_tree"] = relocatable_ && (!unlocked.always.empty() || !unlocked.conditional.empty());
    d["depth"] = std::to_string(depth_of(relative_path));
    auto env = nlohmann::json::array();
    for (const auto& change : entry.environment) env.push_back(environment_line(change));
    d["environment"] = env;
    return d;
  }

 private:
  const ModuleRequest& request_;
  const Hierarchy& hierarchy_;
  bool relocatable_;
};

}  // namespace

std::vector<ModuleFile> LmodWriter::render(const ModuleRequest& request) {
  const auto& config = request.config;
  Hierarchy hierarchy(*request.specs, config);
  const bool arch_folder = config.value("_arch_folder", true);

  std::map<std::string, std::string> use_names;
  std::vector<ModuleFile> files;
  std::vector<std::string> arches;
  for (const auto& entry : request.modules) {
    const auto& spec = *entry.spec;
    ModuleFile file;
    file.hash = spec.hash;
    file.use_name = module_files::use_name(spec, config, "{name}/{version}");
    std::string arch = arch_folder ? spec.arch.platform + "-" + spec.arch.os + "-" + target_family(spec.arch.target) + "/" : "";
    file.relative_path = arch + hierarchy.folder_of(spec) + "/" + file.use_name + ".lua";
    use_names[spec.hash] = file.use_name;
    files.push_back(std::move(file));
    arches.push_back(arch);
  }
  module_files::check_unique_paths(files, *request.specs);

  Renderer renderer(request, hierarchy);
  for (std::size_t i = 0; i < files.size(); ++i) {
    files[i].content = render_template(
        template_, renderer.context(request.modules[i], arches[i], files[i].relative_path, use_names),
        "lmod module template");
  }
  return files;
}

}  // namespace spackext::lmod
