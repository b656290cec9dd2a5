// One node of a concrete Spack spec DAG, as Spack serializes it in a
// lockfile's `concrete_specs`, an install database or a buildcache index
// (shared/reference/spack-formats.md §0). Readers for those sources live
// beside this header; all of them produce the same model.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spackext::spack {

struct Architecture {
  std::string platform;  // "linux"
  std::string os;        // "debian12"
  std::string target;    // "x86_64_v4" (old dict-shaped targets are reduced to their name)
};

// The compiler a node was built with: `compiler` of a v1–v4 node, or for v5
// (Spack >= 1.0) the direct build dependency that provides `c`, `cxx` or
// `fortran`. Runtime and external nodes often have none.
struct CompilerRef {
  std::string name;
  std::string version;
  std::string hash;  // the compiler node's DAG hash; empty for v1–v4 specs
};

struct DependencyEdge {
  std::string name;
  std::string hash;
  std::vector<std::string> deptypes;  // "build", "link", "run", "test"
  std::vector<std::string> virtuals;  // virtuals this edge provides, e.g. "mpi", "c"

  bool has_type(std::string_view type) const;
  bool provides(std::string_view virtual_name) const;
};

struct ConcreteSpec {
  std::string name;
  std::string version;
  std::string hash;  // 32-char base32 DAG hash, as stored (never recomputed)
  std::string namespace_name;
  Architecture arch;
  // Variant values from `parameters` without the compiler flag lists:
  // bool, string or list of strings, as Spack wrote them.
  std::map<std::string, nlohmann::json> variants;
  std::map<std::string, std::vector<std::string>> compiler_flags;  // cflags ... ldlibs, non-empty only
  std::optional<CompilerRef> compiler;
  std::vector<DependencyEdge> dependencies;  // sorted by name, as Spack writes them
  std::optional<std::string> external_prefix;  // `external.path` for externals
  std::optional<std::string> external_module;  // `external.module`, if any
  nlohmann::json external_attributes;          // `external.extra_attributes` (null if none)
  // Where the spec is (or will be) installed, when the source records it
  // (an install database's `path`); empty otherwise.
  std::string prefix;
  // False for a database record that is not installed, or an index record
  // that is not in the buildcache (kept so dependency lookups still work).
  bool present = true;

  bool external() const { return external_prefix.has_value() || external_module.has_value(); }
  // The first `length` characters of the hash (Spack's `{hash:7}`).
  std::string short_hash(std::size_t length = 7) const { return hash.substr(0, length); }
  // Spack's spec format: `name@version+a~b key=value platform=.. os=.. target=..`.
  std::string format() const;
};

// Reads one serialized node (any specfile version 1–5) into the model.
// `where` names the source (file and key) for error messages; a node without
// a name, version or hash is an InputError.
ConcreteSpec parse_spec_node(const nlohmann::json& node, const std::string& where);

}  // namespace spackext::spack
