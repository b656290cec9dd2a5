// Works out, for one module system, which specs get a module and what each
// module does - everything Spack's module writers decide that does not depend
// on the module system: include/exclude, the rules of `all` and of matching
// spec keys, autoloads, and the environment (prefix inspections, compiler
// variables, configured `environment`), with tokens expanded as Spack does.
#pragma once

#include <functional>
#include <set>
#include <string>

#include <spackext/services/modules.hpp>
#include <spackext/spack/spec_set.hpp>

#include "modules_config.hpp"

namespace spackext::modules {

struct PlanInput {
  const spack::SpecSet* specs = nullptr;
  std::set<std::string> explicit_hashes;  // what the user asked for (roots)
  // The install prefix of each spec.
  std::function<std::string(const spack::ConcreteSpec&)> prefix_of;
  std::string install_root;
  const ModulesConfig* config = nullptr;
  std::string system;  // "lmod" or "tcl"
};

struct Plan {
  std::vector<ModuleEntry> entries;  // for ModuleRequest::modules, in hash order
  // Prefixes that did not exist while planning: their PATH/MANPATH/...
  // entries depend on what the prefix holds, so they are left out (as Spack
  // does for directories that are not there) until a later refresh.
  std::vector<std::string> missing_prefixes;
};

Plan plan_modules(const PlanInput& input);

}  // namespace spackext::modules
