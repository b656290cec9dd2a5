#include "lmod_hierarchy.hpp"

#include <algorithm>
#include <set>

#include <spackext/errors.hpp>

namespace spackext::lmod {

namespace {

// Spack's version satisfaction for core_compilers entries (`gcc@12` matches
// 12.2.0; `gcc@=12.2.0` only that).
bool version_matches(const std::string& have, const std::string& want) {
  if (want.empty() || have == want) return true;
  if (want[0] == '=') return have == want.substr(1);
  return have.size() > want.size() && have.compare(0, want.size(), want) == 0 && have[want.size()] == '.';
}

// Providers of hierarchy virtuals in Spack's builtin repository. A spec
// normally shows what it provides through its dependents' edges
// (`virtuals: [mpi]`); a provider with no dependent in the source (an MPI
// installed for users only) is recognised by name instead.
const std::map<std::string, std::set<std::string>> kKnownProviders = {
    {"mpi", {"openmpi", "mpich", "mvapich", "mvapich2", "mvapich2-gdr", "intel-oneapi-mpi", "intel-mpi",
             "cray-mpich", "hpcx-mpi", "mpt", "spectrum-mpi", "fujitsu-mpi", "mpitrampoline", "mpilander",
             "msmpi"}},
    {"lapack", {"openblas", "intel-oneapi-mkl", "netlib-lapack", "amdlibflame", "libflame", "armpl-gcc",
                "cray-libsci", "essl"}},
    {"blas", {"openblas", "intel-oneapi-mkl", "netlib-lapack", "amdblis", "blis", "armpl-gcc", "cray-libsci",
              "essl"}},
};

bool system_dir(const std::string& path) {
  return path == "/usr" || path == "/" || path == "/usr/local";
}

}  // namespace

Hierarchy::Hierarchy(const spack::SpecSet& specs, const nlohmann::json& config) : specs_(specs) {
  for (const auto& t : config.value("hierarchy", nlohmann::json::array({"mpi"}))) {
    auto token = t.get<std::string>();
    if (std::find(tokens_.begin(), tokens_.end(), token) == tokens_.end()) tokens_.push_back(token);
  }
  if (std::find(tokens_.begin(), tokens_.end(), "compiler") == tokens_.end()) tokens_.push_back("compiler");

  for (const auto& [hash, spec] : specs.all()) {
    for (const auto& edge : spec.dependencies) {
      for (const auto& v : edge.virtuals) {
        auto& list = provided_[edge.hash];
        if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
      }
    }
    if (spec.compiler && !spec.compiler->hash.empty()) compiler_hashes_[spec.compiler->hash] = true;
  }

  for (const auto& c : config.value("core_compilers", nlohmann::json::array())) {
    std::string text = c.get<std::string>();
    auto at = text.find('@');
    core_compilers_.emplace_back(text.substr(0, at), at == std::string::npos ? "" : text.substr(at + 1));
  }
  if (core_compilers_.empty()) {
    // Spack's guess: compilers whose binaries sit in a system directory.
    for (const auto& [hash, spec] : specs.all())
      if (is_compiler(spec) && spec.external_prefix && system_dir(*spec.external_prefix))
        core_compilers_.emplace_back(spec.name, "=" + spec.version);
  }
  if (core_compilers_.empty())
    throw InputError("modules.yaml", "lmod: the key \"core_compilers\" must be set in modules.yaml "
                                     "(no compiler of these specs is installed in a system directory)");
  for (const auto& c : config.value("core_specs", nlohmann::json::array())) core_specs_.push_back(c);
}

bool Hierarchy::is_compiler(const spack::ConcreteSpec& spec) const {
  if (compiler_hashes_.count(spec.hash)) return true;
  return spec.external_attributes.is_object() && spec.external_attributes.contains("compilers");
}

bool Hierarchy::is_core_compiler(const std::string& name, const std::string& version) const {
  return std::any_of(core_compilers_.begin(), core_compilers_.end(),
                     [&](const auto& c) { return c.first == name && version_matches(version, c.second); });
}

bool Hierarchy::provides_virtual(const spack::ConcreteSpec& spec, const std::string& token) const {
  auto it = provided_.find(spec.hash);
  if (it != provided_.end() && std::find(it->second.begin(), it->second.end(), token) != it->second.end()) return true;
  auto known = kKnownProviders.find(token);
  return known != kKnownProviders.end() && known->second.count(spec.name) != 0;
}

Service Hierarchy::compiler_service(const spack::ConcreteSpec& spec) const {
  if (!spec.compiler) return Service{"", "", "", true};  // no compiler: lives with the core
  Service s{spec.compiler->name, spec.compiler->version, spec.compiler->hash, false};
  s.core = is_core_compiler(s.name, s.version);
  return s;
}

std::map<std::string, Service> Hierarchy::requires_of(const spack::ConcreteSpec& spec) const {
  std::map<std::string, Service> out;
  bool core_spec = std::any_of(core_specs_.begin(), core_specs_.end(), [&](const std::string& c) {
    auto at = c.find('@');
    return c.substr(0, at) == spec.name && (at == std::string::npos || version_matches(spec.version, c.substr(at + 1)));
  });
  if (core_spec) {
    out["compiler"] = Service{"", "", "", true};
    return out;
  }
  out["compiler"] = compiler_service(spec);
  for (const auto& token : tokens_) {
    if (token == "compiler" || provides_virtual(spec, token)) continue;
    if (const auto* provider = specs_.provider(spec, token))
      out[token] = Service{provider->name, provider->version, provider->hash, false};
  }
  return out;
}

std::map<std::string, Service> Hierarchy::provides_of(const spack::ConcreteSpec& spec) const {
  std::map<std::string, Service> out;
  if (is_compiler(spec)) {
    Service s{spec.name, spec.version, "", false};
    s.core = is_core_compiler(spec.name, spec.version);
    out["compiler"] = s;
  }
  for (const auto& token : tokens_)
    if (token != "compiler" && provides_virtual(spec, token))
      out[token] = Service{spec.name, spec.version, spec.hash, false};
  return out;
}

std::string Hierarchy::path_part(const std::string& token, const Service& service) const {
  if (token == "compiler") return service.core ? "Core" : service.name + "/" + service.version;
  // Virtual providers carry a hash: two flavours of one MPI must not share a branch.
  return service.name + "/" + service.version + "-" + service.hash.substr(0, 7);
}

std::string Hierarchy::folder_of(const spack::ConcreteSpec& spec) const {
  auto required = requires_of(spec);
  std::string out;
  for (const auto& token : tokens_) {
    auto it = required.find(token);
    if (it == required.end()) continue;
    out += (out.empty() ? "" : "/") + path_part(token, it->second);
  }
  return out;
}

std::vector<std::string> Hierarchy::missing_of(const spack::ConcreteSpec& spec) const {
  auto available = requires_of(spec);
  for (auto& [k, v] : provides_of(spec)) available[k] = v;
  std::vector<std::string> out;
  for (const auto& token : tokens_)
    if (!available.count(token)) out.push_back(token);
  return out;
}

Hierarchy::Unlocked Hierarchy::unlocked_by(const spack::ConcreteSpec& spec) const {
  Unlocked result;
  auto required = requires_of(spec);
  auto provides = provides_of(spec);
  if (provides.empty()) return result;
  auto available = required;
  for (auto& [k, v] : provides) available[k] = v;

  std::vector<std::string> provided_keys, required_keys;
  for (const auto& token : tokens_) {  // hierarchy order keeps the output stable
    if (provides.count(token)) provided_keys.push_back(token);
    if (required.count(token) && !(token == "compiler" && provides.count("compiler"))) required_keys.push_back(token);
  }
  // Every non-empty combination of what it provides, plus what it requires.
  std::vector<std::vector<std::string>> combinations;
  const std::size_t n = provided_keys.size();
  for (std::size_t mask = 1; mask < (1u << n); ++mask) {
    std::set<std::string> chosen(required_keys.begin(), required_keys.end());
    for (std::size_t i = 0; i < n; ++i)
      if (mask & (1u << i)) chosen.insert(provided_keys[i]);
    std::vector<std::string> ordered;
    for (const auto& token : tokens_)
      if (chosen.count(token)) ordered.push_back(token);
    if (std::find(combinations.begin(), combinations.end(), ordered) == combinations.end())
      combinations.push_back(ordered);
  }
  for (const auto& combination : combinations) {
    std::string path;
    for (const auto& token : combination) path += (path.empty() ? "" : "/") + path_part(token, available.at(token));
    if (std::find(result.always.begin(), result.always.end(), path) == result.always.end())
      result.always.push_back(path);
  }
  // Folders that open once missing services are loaded too (e.g. loading an
  // MPI after a non-core compiler that does not know it).
  auto missing = missing_of(spec);
  bool compiler_only = provides.size() == 1 && provides.count("compiler");
  if (missing.empty() || compiler_only) return result;
  const std::size_t m = missing.size();
  for (std::size_t mask = 1; mask < (1u << m); ++mask) {
    std::vector<std::string> wanted;
    for (std::size_t i = 0; i < m; ++i)
      if (mask & (1u << i)) wanted.push_back(missing[i]);
    for (const auto& combination : combinations) {
      Unlocked::Conditional c{wanted, {}};
      for (const auto& token : tokens_) {
        bool in_combination = std::find(combination.begin(), combination.end(), token) != combination.end();
        bool is_wanted = std::find(wanted.begin(), wanted.end(), token) != wanted.end();
        if (!in_combination && !is_wanted) continue;
        c.parts.push_back(available.count(token) ? path_part(token, available.at(token)) : "@" + token);
      }
      result.conditional.push_back(c);
    }
  }
  return result;
}

}  // namespace spackext::lmod
