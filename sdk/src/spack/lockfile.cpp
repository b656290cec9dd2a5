#include "spackext/spack/lockfile.hpp"

#include "spackext/json_input.hpp"
#include "spackext/errors.hpp"

namespace spackext::spack {

namespace {

constexpr int kOldestLockfile = 4;  // Spack 0.19: concrete_specs keyed by DAG hash
constexpr int kNewestLockfile = 6;  // Spack 1.x
// Included environments may include others; far deeper than any real stack,
// shallow enough that a crafted file cannot exhaust the stack.
constexpr int kMaxIncludeDepth = 64;

void read_concrete(const nlohmann::json& section, const std::string& where, SpecSet& set, int depth = 0) {
  if (depth > kMaxIncludeDepth)
    throw InputError(where, "include_concrete nested more than " + std::to_string(kMaxIncludeDepth) + " deep");
  auto specs = section.find("concrete_specs");
  if (specs == section.end() || !specs->is_object())
    throw InputError(where, "no 'concrete_specs' map (expected a concretized Spack lockfile)");
  for (const auto& [hash, node] : specs->items()) {
    ConcreteSpec spec = parse_spec_node(node, where + ": concrete_specs." + hash);
    // The key is authoritative: old lockfiles keyed by DAG hash while the node
    // also carried other hashes.
    spec.hash = hash;
    set.add(std::move(spec));
  }
  if (auto roots = section.find("roots"); roots != section.end() && roots->is_array()) {
    for (const auto& root : *roots)
      if (root.is_object() && root.contains("hash") && root["hash"].is_string())
        set.add_root(root["hash"].get<std::string>());
  }
  // Included environments contribute their specs and roots too.
  if (auto included = section.find("include_concrete"); included != section.end() && included->is_object()) {
    for (const auto& [env, inner] : included->items())
      read_concrete(inner, where + ": include_concrete." + env, set, depth + 1);
  }
}

}  // namespace

SpecSet parse_lockfile(const nlohmann::json& lock, const std::string& where) {
  if (!lock.is_object()) throw InputError(where, "not a Spack lockfile (expected a JSON object)");
  auto meta = lock.find("_meta");
  if (meta == lock.end() || !meta->is_object() || !meta->contains("file-type") || (*meta)["file-type"] != "spack-lockfile")
    throw InputError(where, "not a Spack lockfile (expected _meta.file-type 'spack-lockfile')");
  auto version = meta->find("lockfile-version");
  if (version == meta->end() || !version->is_number_integer())
    throw InputError(where, "lockfile has no integer _meta.lockfile-version");
  int v = version->get<int>();
  if (v < kOldestLockfile || v > kNewestLockfile)
    throw InputError(where, "lockfile-version " + std::to_string(v) + " is not supported (expected " +
                                std::to_string(kOldestLockfile) + " to " + std::to_string(kNewestLockfile) + ")");
  SpecSet set;
  read_concrete(lock, where, set);
  set.resolve_compiler_versions();
  return set;
}

SpecSet read_lockfile(const std::filesystem::path& path) {
  return parse_lockfile(read_json_file(path, "a Spack lockfile"), path.string());
}

}  // namespace spackext::spack
