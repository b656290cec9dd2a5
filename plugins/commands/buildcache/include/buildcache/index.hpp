// The buildcache index (`index.json`, spec-formats §1c), identical in layouts
// v2, v3 and OCI. Reading uses simdjson: indexes of 100,000 specs are common
// on big mirrors and `list` should not wait for them.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "buildcache/spec.hpp"

namespace spackext::buildcache {

// What the records of an index view: the parsed document (its strings,
// unescaped) and the dependency edges of all records in one list. Defined in
// index.cpp; nothing outside reads it.
struct IndexText;

// One record: views into the IndexText of the index it came from, so it is
// valid as long as that index (or a copy of it) is. Copy out what must live
// longer (SpecView fields into std::string).
struct IndexRecord {
  SpecView spec;
  std::span<const DependencyEdgeView> dependencies;  // as the file lists them
  int ref_count = 0;
  bool in_buildcache = false;
};

// Owns the text its records view (parse_index fills both); copies share that
// text, and moving keeps every view valid. An index of 100,000 specs is read
// without a heap allocation per record: the views replaced ~600,000 string
// copies, ~40 % of the parse's CPU time.
struct BuildcacheIndex {
  std::string db_version;  // "7" (Spack 0.23), "8" (1.x)
  std::vector<IndexRecord> records;  // file order
  std::shared_ptr<const IndexText> text;  // what the records view
  std::size_t in_buildcache_count() const;
};

// Parses index.json text; `where` (mirror + key) names it in errors.
BuildcacheIndex parse_index(std::string_view text, const std::string& where);
// The same, parsing in place when `text` has kIndexParsePadding bytes of
// spare capacity (read_object leaves them); otherwise it copies.
BuildcacheIndex parse_index(const std::string& text, const std::string& where);
inline constexpr std::size_t kIndexParsePadding = 64;  // = SIMDJSON_PADDING
inline BuildcacheIndex parse_index(const char* text, const std::string& where) {
  return parse_index(std::string_view(text), where);
}

// Builds the index Spack's update-index writes from spec files (each a
// spec-file document): every node of every spec, dependencies first,
// `in_buildcache` true for the roots, `ref_count` = number of nodes with an
// edge to it. Output is compact JSON like Spack's. A spec can also come from
// a stored index (its nodes copied as they are there); the result is the
// same as from its spec file when the stored index is canonical and its
// nodes are the spec files' (see differing()).
class StoredIndex;
class IndexBuilder {
 public:
  explicit IndexBuilder(std::string db_version = "8") : db_version_(std::move(db_version)) {}
  // Its nodes view texts it owns: a copy would view the original's.
  IndexBuilder(const IndexBuilder&) = delete;
  IndexBuilder& operator=(const IndexBuilder&) = delete;
  // Adds a spec file document; its first node is the buildcache entry.
  void add_spec_file(const Json& spec_file, const std::string& where);
  // Adds the spec whose root is `root` in `index`, with the nodes it reaches
  // there. Their texts are not copied: `index` must outlive the builder.
  void add_stored_spec(const std::string& root, const StoredIndex& index);
  // Compares every node of the spec files added from now on with `index`'s
  // node of the same hash: a node whose bytes differ (one DAG hash, two
  // texts) makes which copy a rebuild keeps depend on the order it visits
  // spec files, so copying from `index` would not be exact.
  void compare_with(const StoredIndex* index) { compare_with_ = index; }
  std::size_t differing() const { return differing_; }
  std::string json_text() const;
  std::size_t size() const { return order_.size(); }

 private:
  struct Node {
    std::string_view text;                  // compact JSON of the node dict (in owned_texts_ or a StoredIndex)
    std::vector<std::string> dependencies;  // hashes, in the node's order
  };
  template <class Source>
  void visit(const std::string& hash, const Source& source, std::vector<std::string>& stack);
  std::string db_version_;
  std::vector<std::string> order_;
  std::unordered_map<std::string, Node> nodes_;
  std::unordered_map<std::string, bool> in_buildcache_;
  std::deque<std::string> owned_texts_;  // texts of nodes from spec files (a deque never moves them)
  const StoredIndex* compare_with_ = nullptr;
  std::size_t differing_ = 0;
};

}  // namespace spackext::buildcache
