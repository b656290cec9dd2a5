// `modules` services: turn concrete specs into module files for one module
// system (Lmod .lua, Tcl). The `modules` command does everything that does
// not depend on the module system - reading the source, install prefixes,
// modules.yaml rules, the environment each module sets, what to autoload -
// and asks the writer registered under the system's name ("lmod", "tcl")
// for file names and contents. Writing, keeping unchanged files and the
// module index are the command's job, so every writer gets them for free.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/service.hpp"
#include "spackext/spack/spec_set.hpp"

namespace spackext {

// One environment change, in the order the module applies it.
struct EnvironmentChange {
  enum class Kind { set, unset, prepend_path, append_path, remove_path };
  Kind kind = Kind::set;
  std::string name;
  std::string value;
  std::string separator = ":";
  // The value is a path inside the install tree (a prefix or below it): a
  // relocatable module writes it relative to the prefix variable.
  bool in_install_tree = false;
};

// A spec to write a module for, with what the command worked out for it.
struct ModuleEntry {
  const spack::ConcreteSpec* spec = nullptr;
  std::string prefix;                       // install prefix (or external prefix)
  std::vector<EnvironmentChange> environment;
  std::vector<std::string> autoload;        // hashes of specs whose modules it loads
  std::vector<std::string> conflicts;       // Spack formats from `conflict` (writers expand them)
  std::vector<std::string> load;            // literal module names from `load`
  std::string description;                  // header comment (the spec, formatted)
};

struct ModuleRequest {
  const spack::SpecSet* specs = nullptr;
  std::vector<ModuleEntry> modules;  // every spec to write (excluded ones are absent)
  // The system's section of modules.yaml (`modules:<set>:lmod`), validated.
  nlohmann::json config;
  std::string root;             // where the module tree goes (absolute)
  std::string install_root;     // the install tree root at generation time
  std::string prefix_variable;  // e.g. "SITE_ROOT"; empty: absolute paths
};

struct ModuleFile {
  std::string hash;           // the spec's DAG hash
  std::string relative_path;  // below the root, e.g. "linux-debian12-x86_64/Core/zlib/1.3.lua"
  std::string use_name;       // what users type: "zlib/1.3"
  std::string content;
};

class ModuleWriter : public Service {
 public:
  static constexpr const char* kKind = "modules";
  // One file per entry of `request.modules`. Throws spackext::InputError when
  // the configuration cannot be honoured (e.g. two specs on one file name).
  virtual std::vector<ModuleFile> render(const ModuleRequest& request) = 0;
};

}  // namespace spackext

// Helpers every module writer needs, whatever its file format.
namespace spackext::module_files {

// Spack's module name for `spec` under a system section of modules.yaml:
// the first matching `projections` entry (spec name, else "all"; the old
// `naming_scheme` key counts as "all"), else `default_projection`, then
// "-<hash>" when hash_length > 0 (default 7).
std::string use_name(const spack::ConcreteSpec& spec, const nlohmann::json& config,
                     const std::string& default_projection);

// Throws InputError when two files share a path, naming both specs (Spack's
// "Name clashes detected in module files").
void check_unique_paths(const std::vector<ModuleFile>& files, const spack::SpecSet& specs);

// The template fields every module file has, as JSON for render_template():
// spec, name, version, target, external, relocatable, variable,
// install_root, conflicts (list), autoload (use names of the autoloaded
// modules, then literal `load` names), has_autoload.
nlohmann::json base_context(const ModuleEntry& entry, const ModuleRequest& request,
                            const std::map<std::string, std::string>& use_names_by_hash);

}  // namespace spackext::module_files
