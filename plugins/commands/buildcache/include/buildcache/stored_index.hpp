// An index.json as stored, record by record, with each node dict kept as its
// own JSON text. An incremental index update starts from it: the nodes of
// specs that did not change are copied from here instead of being read again
// from their manifests and spec blobs.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace spackext::buildcache {

struct StoredNode {
  std::string_view text;                      // the node dict, as stored (compact)
  std::vector<std::string_view> dependencies;  // hashes, in the node's order
  std::string_view name;
  std::string version;  // as SpecNode::version: the string, or the JSON of another value
  int ref_count = 0;
  bool in_buildcache = false;
};

class StoredIndex {
 public:
  // Parses `text` (taken over; views point into it). InputError naming
  // `where` when it is not an index; `canonical()` says whether it is in
  // the exact form a rebuild writes.
  StoredIndex(std::string text, const std::string& where);
  StoredIndex(const StoredIndex&) = delete;
  StoredIndex& operator=(const StoredIndex&) = delete;

  const std::string& db_version() const { return db_version_; }
  const std::string& text() const { return *text_; }
  const std::vector<std::string_view>& order() const { return order_; }  // file order
  const StoredNode* find(std::string_view hash) const;
  // True when writing the records back (compact, ASCII only, in file order)
  // gives these bytes exactly: then a copied node is what a rebuild from
  // its spec file writes, and an update that copies it changes nothing else.
  bool canonical() const;

 private:
  std::unique_ptr<std::string> text_;  // stable address for the views
  std::string db_version_;
  std::vector<std::string_view> order_;
  std::unordered_map<std::string_view, StoredNode> nodes_;
};

// The index text a rebuild writes, in pieces: Spack's database layout as
// json.dumps(..., separators=(",", ":")) gives it.
class IndexTextWriter {
 public:
  explicit IndexTextWriter(const std::string& db_version);
  void add(std::string_view hash, std::string_view node_text, int ref_count, bool in_buildcache);
  // Room for an index of about this many bytes (the text is written once, not regrown).
  void reserve(std::size_t bytes) { out_.reserve(bytes); }
  std::string finish() &&;

 private:
  std::string out_;
  bool first_ = true;
};

}  // namespace spackext::buildcache
