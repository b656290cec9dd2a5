// The parts of a Spack spec node (spec-formats §0) that listing, querying and
// pruning need, read from spec files (v4 and v5 nodes) and index records.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace spackext::buildcache {

using Json = nlohmann::ordered_json;

// Dependency types as bits: an index of 100,000 specs has ~half a million
// edges, and a string vector per edge doubled the time to read one.
enum DepType : unsigned { kBuild = 1, kLink = 2, kRun = 4, kTest = 8 };
unsigned deptype_bit(std::string_view name);

struct DependencyEdge {
  std::string name;
  std::string hash;
  unsigned deptypes = 0;  // DepType bits
  bool provides_compiler = false;  // virtuals include c, cxx or fortran
};

// A dependency edge as a view (of a BuildcacheIndex's parsed text).
struct DependencyEdgeView {
  std::string_view name;
  std::string_view hash;
  unsigned deptypes = 0;  // DepType bits
  bool provides_compiler = false;
};

// The fields of a node that listing and querying read, as views: of a
// SpecNode (SpecNode::view()) or of the text a BuildcacheIndex owns. Valid as
// long as what it views; copying it copies no characters, which is what lets
// `list` handle 100,000 records without an allocation each.
struct SpecView {
  std::string_view name;
  std::string_view version;
  std::string_view platform;
  std::string_view os;
  std::string_view target;
  std::string_view compiler_name;
  std::string_view compiler_version;
  std::string_view compiler_hash;
  std::string_view hash;
  std::string_view namespace_;
  bool external = false;

  std::string arch() const;
  // "gcc@12.2.0", or "" without a compiler.
  std::string compiler() const;
  // name@version%compiler arch=... /hash7, like `spack find -l` shows a node.
  std::string display() const;
  // The same, appended to `out` (listing writes 100,000 of them).
  void append_display(std::string& out) const;
};

// A node that owns its text: read from a spec file.
struct SpecNode {
  std::string name;
  std::string version;
  std::string platform;
  std::string os;
  std::string target;  // plain name, also when the file has the dict form
  std::string compiler_name;     // v4: node key; v5: the c/cxx/fortran dependency
  std::string compiler_version;  // v5: filled by resolve_compilers()
  std::string compiler_hash;     // v5 only: the compiler node to look up
  std::string hash;
  std::string namespace_;
  bool external = false;
  std::vector<DependencyEdge> dependencies;

  SpecView view() const;
  // A node owning a copy of what `v` views (no dependency edges): for the
  // few records a caller keeps after the index that holds them is gone.
  static SpecNode copy_of(const SpecView& v);
  std::string arch() const { return view().arch(); }
  std::string compiler() const { return view().compiler(); }
  std::string display() const { return view().display(); }
};

// Splits "gcc@=12.2.0" / "gcc@12.2.0" (annotations.compiler of nodes
// converted from spec files older than v5) into name and version.
struct CompilerAnnotation {
  std::string_view name;
  std::string_view version;
};
CompilerAnnotation split_compiler_annotation(std::string_view annotation);

// Sets the compiler from an annotation unless the node has one.
void set_compiler_from_annotation(SpecNode& node, std::string_view annotation);

// Reads one node dict; `where` names the object for error messages.
SpecNode parse_node(const Json& node, const std::string& where);

// A spec file ({"spec": {"_meta", "nodes"}} plus layout keys): all nodes,
// root first, compilers resolved.
struct SpecFile {
  int spec_version = 0;
  std::vector<SpecNode> nodes;
  const SpecNode& root() const { return nodes.front(); }
};
SpecFile parse_spec_file(const Json& doc, const std::string& where);

// v5 nodes name their compiler as a dependency: look its version up among
// `nodes` (by hash) and fill compiler_version.
void resolve_compilers(std::vector<SpecNode>& nodes);

}  // namespace spackext::buildcache
