#include "product_modules.hpp"

#include <set>

#include <spackext/errors.hpp>
#include <spackext/services/modules.hpp>

#include "staging_dir.hpp"

namespace spackext::product {

namespace fs = std::filesystem;

namespace {

// Spack's default modules:prefix_inspections (etc/spack/defaults/modules.yaml):
// what a module puts on which variable when the folder exists.
const std::vector<std::pair<std::string, std::string>> kInspections = {
    {"bin", "PATH"},           {"man", "MANPATH"},          {"share/man", "MANPATH"},
    {"share/aclocal", "ACLOCAL_PATH"}, {"lib/pkgconfig", "PKG_CONFIG_PATH"}, {"lib64/pkgconfig", "PKG_CONFIG_PATH"},
    {"share/pkgconfig", "PKG_CONFIG_PATH"}, {"", "CMAKE_PREFIX_PATH"}};

std::vector<EnvironmentChange> environment_of(const fs::path& staged_prefix, const std::string& prefix) {
  std::vector<EnvironmentChange> env;
  std::error_code ec;
  for (const auto& [rel, var] : kInspections) {
    if (!fs::is_directory(staged_prefix / rel, ec)) continue;
    env.push_back({EnvironmentChange::Kind::prepend_path, var, rel.empty() ? prefix : prefix + "/" + rel, ":", true});
  }
  return env;
}

}  // namespace

std::vector<std::string> write_product_modules(Registry& registry, const ModuleBundleRequest& r, const fs::path& out) {
  std::set<std::string> packed;
  nlohmann::json core_compilers = nlohmann::json::array();
  nlohmann::json core_specs = nlohmann::json::array();
  for (const auto& s : *r.staged) {
    packed.insert(s.spec->hash);
    core_specs.push_back(s.spec->name + "@=" + s.spec->version);
    if (s.spec->compiler && !s.spec->compiler->version.empty())
      core_compilers.push_back(s.spec->compiler->name + "@=" + s.spec->compiler->version);
  }
  // Every module goes to Core (core_specs). Lmod's hierarchy still wants a
  // core compiler named; when no packed spec has a compiler, the root stands
  // in (it is no spec's compiler, so it changes nothing).
  if (core_compilers.empty()) core_compilers.push_back(core_specs.front());
  std::vector<ModuleEntry> entries;
  for (const auto& s : *r.staged) {
    ModuleEntry e;
    e.spec = s.spec;
    e.prefix = r.default_prefix + "/" + s.dir;
    e.environment = environment_of(r.software / s.dir, e.prefix);
    for (const auto* dep : r.specs->direct_dependencies(*s.spec, {"link", "run"}))
      if (packed.count(dep->hash)) e.autoload.push_back(dep->hash);
    e.description = s.spec->format() + "/" + s.spec->short_hash();
    entries.push_back(std::move(e));
  }
  std::vector<std::string> written;
  for (const std::string system : {"lmod", "tcl"}) {
    ModuleRequest request;
    request.specs = r.specs;
    request.modules = entries;
    // Every module at the top of the tree (no compiler or MPI levels), named
    // name/version: a product holds one build of each package.
    request.config = {{"_rule_order", nlohmann::json::array()},
                      {"_arch_folder", false},
                      {"hash_length", 0},
                      {"projections", {{"all", "{name}/{version}"}}},
                      {"hierarchy", nlohmann::json::array()},
                      {"core_compilers", core_compilers},
                      {"core_specs", core_specs}};
    request.root = r.default_prefix + "/modules/" + system;
    request.install_root = r.default_prefix;
    request.prefix_variable = r.prefix_variable;
    auto writer = registry.get<ModuleWriter>(system);
    for (const auto& file : writer->render(request)) {
      const std::string rel = system + "/" + file.relative_path;
      const fs::path path = out / rel;
      fs::create_directories(path.parent_path());
      write_work_file(path, file.content);
      written.push_back(rel);
    }
  }
  return written;
}

}  // namespace spackext::product
