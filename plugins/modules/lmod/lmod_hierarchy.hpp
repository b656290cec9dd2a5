// Spack's Lmod hierarchy (lib/spack/spack/modules/lmod.py's rules): which
// services a spec requires and provides, the folder it lives in, and the
// MODULEPATH folders loading it unlocks.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spackext/spack/spec_set.hpp>

namespace spackext::lmod {

// A provider of a hierarchy service: a compiler or a virtual's provider.
struct Service {
  std::string name;
  std::string version;
  std::string hash;  // empty for a compiler given by name@version only
  bool core = false;  // a core compiler (or none): its path part is "Core"
};

class Hierarchy {
 public:
  Hierarchy(const spack::SpecSet& specs, const nlohmann::json& config);

  // `hierarchy` from the configuration, then "compiler" (always implied).
  const std::vector<std::string>& tokens() const { return tokens_; }

  std::map<std::string, Service> requires_of(const spack::ConcreteSpec& spec) const;
  std::map<std::string, Service> provides_of(const spack::ConcreteSpec& spec) const;

  // "Core", "gcc/13.2.0" or "openmpi/4.1.6-abcdefg".
  std::string path_part(const std::string& token, const Service& service) const;
  // The folders below the arch folder: the file's own, e.g. "openmpi/4.1.6-abcdefg/Core".
  std::string folder_of(const spack::ConcreteSpec& spec) const;

  struct Unlocked {
    std::vector<std::string> always;  // folders (below the arch folder) to prepend
    // Unlocked once the missing services are loaded: condition tokens and the
    // folder parts, with a missing token standing for its LMOD_<T>_NAME/VERSION.
    struct Conditional {
      std::vector<std::string> missing;
      std::vector<std::string> parts;  // literal parts, or "@token" for a missing one
    };
    std::vector<Conditional> conditional;
  };
  Unlocked unlocked_by(const spack::ConcreteSpec& spec) const;
  std::vector<std::string> missing_of(const spack::ConcreteSpec& spec) const;

  bool is_compiler(const spack::ConcreteSpec& spec) const;

 private:
  bool is_core_compiler(const std::string& name, const std::string& version) const;
  bool provides_virtual(const spack::ConcreteSpec& spec, const std::string& token) const;
  Service compiler_service(const spack::ConcreteSpec& spec) const;

  const spack::SpecSet& specs_;
  std::vector<std::string> tokens_;
  std::vector<std::pair<std::string, std::string>> core_compilers_;  // name, version constraint
  std::vector<std::string> core_specs_;
  std::map<std::string, std::vector<std::string>> provided_;  // hash -> virtuals some edge says it provides
  std::map<std::string, bool> compiler_hashes_;
};

}  // namespace spackext::lmod
