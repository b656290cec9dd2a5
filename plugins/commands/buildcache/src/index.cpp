#include "buildcache/index.hpp"

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include <simdjson.h>

#include <spackext/errors.hpp>

#include "buildcache/spack_json.hpp"
#include "buildcache/stored_index.hpp"

namespace spackext::buildcache {

namespace sj = simdjson;

// The parsed document stays alive with the index: its string buffer holds
// every name, version and hash unescaped, and the records view them there.
struct IndexText {
  sj::dom::document document;
  std::vector<DependencyEdgeView> edges;  // every record's, in record order
  std::deque<std::string> computed;       // text the document lacks (versions written as numbers)
};

namespace {

std::string_view str(sj::dom::element e) {
  std::string_view v;
  if (e.get_string().get(v) == sj::SUCCESS) return v;
  return {};
}

std::string_view field(sj::dom::object o, std::string_view key) {
  sj::dom::element e;
  if (o.at_key(key).get(e) != sj::SUCCESS) return {};
  return str(e);
}

// Visits the strings of an array member.
template <class Fn>
void each_string(sj::dom::object o, std::string_view key, Fn&& fn) {
  sj::dom::array a;
  if (o.at_key(key).get_array().get(a) != sj::SUCCESS) return;
  for (auto e : a) {
    std::string_view v;
    if (e.get_string().get(v) == sj::SUCCESS) fn(v);
  }
}

// Reads the arch dict: target is a name, or a dict with one.
void read_arch(sj::dom::object arch, SpecView& n) {
  for (auto [key, value] : arch) {
    if (key == "platform")
      n.platform = str(value);
    else if (key == "platform_os")
      n.os = str(value);
    else if (key == "target")
      n.target = value.is_string() ? str(value) : value.is_object() ? field(value.get_object().value_unsafe(), "name") : "";
  }
}

DependencyEdgeView read_edge(sj::dom::object dep) {
  DependencyEdgeView e;
  for (auto [key, value] : dep) {
    if (key == "name") {
      e.name = str(value);
    } else if (key == "hash") {
      e.hash = str(value);
    } else if (key == "parameters" && value.is_object()) {
      auto params = value.get_object().value_unsafe();
      each_string(params, "deptypes", [&](std::string_view t) { e.deptypes |= deptype_bit(t); });
      each_string(params, "virtuals", [&](std::string_view v) {
        if (v == "c" || v == "cxx" || v == "fortran") e.provides_compiler = true;
      });
    }
  }
  return e;
}

// One pass over the node's members (at_key is a linear scan, and a node has a
// dozen keys; 100,000 nodes made the lookups a third of the parse). Appends
// the node's edges to `text.edges`.
SpecView node_from(sj::dom::object spec, IndexText& text, const std::string& where) {
  SpecView n;
  std::string_view compiler_annotation;
  const std::size_t first_edge = text.edges.size();
  for (auto [key, value] : spec) {
    if (key == "name") {
      n.name = str(value);
    } else if (key == "hash") {
      n.hash = str(value);
    } else if (key == "version") {
      n.version = value.is_string() ? str(value) : std::string_view(text.computed.emplace_back(sj::to_string(value)));
    } else if (key == "namespace") {
      n.namespace_ = str(value);
    } else if (key == "external") {
      n.external = true;
    } else if (key == "arch") {
      if (value.is_object()) read_arch(value.get_object().value_unsafe(), n);
    } else if (key == "compiler") {  // v4 nodes
      if (value.is_object()) {
        auto compiler = value.get_object().value_unsafe();
        n.compiler_name = field(compiler, "name");
        n.compiler_version = field(compiler, "version");
      }
    } else if (key == "dependencies") {
      sj::dom::array deps;
      if (value.get_array().get(deps) != sj::SUCCESS) continue;
      for (auto d : deps)
        if (d.is_object()) text.edges.push_back(read_edge(d.get_object().value_unsafe()));
    } else if (key == "annotations") {
      sj::dom::object annotations;
      sj::dom::element c;
      if (value.get_object().get(annotations) == sj::SUCCESS && annotations.at_key("compiler").get(c) == sj::SUCCESS &&
          c.get_string().get(compiler_annotation) != sj::SUCCESS)
        compiler_annotation = {};
    }
  }
  if (n.name.empty() || n.hash.empty()) throw InputError(where, "index record lacks 'name' or 'hash'");
  // v5: the compiler is the first dependency providing c, cxx or fortran
  // (a v4 node-level compiler wins).
  if (n.compiler_name.empty())
    for (auto e = text.edges.begin() + static_cast<std::ptrdiff_t>(first_edge); e != text.edges.end(); ++e)
      if (e->provides_compiler) {
        n.compiler_name = e->name;
        n.compiler_hash = e->hash;
        break;
      }
  if (n.compiler_name.empty() && !compiler_annotation.empty()) {
    auto [name, version] = split_compiler_annotation(compiler_annotation);
    n.compiler_name = name;
    n.compiler_version = version;
  }
  return n;
}

// v5 nodes name their compiler by hash: its version is the version of the
// record with that hash (the first one, should the file repeat it). A mirror
// has a handful of compilers, so only their hashes are looked for, not a map
// of all 100,000 built.
void resolve_compiler_versions(std::vector<IndexRecord>& records) {
  std::unordered_map<std::string_view, std::string_view> version_of;  // compiler hash -> version
  std::string_view last;
  for (const auto& r : records)
    if (!r.spec.compiler_hash.empty() && r.spec.compiler_version.empty() && r.spec.compiler_hash != last)
      version_of.emplace(last = r.spec.compiler_hash, std::string_view());
  if (version_of.empty()) return;
  std::size_t unresolved = version_of.size();
  for (const auto& r : records) {
    auto it = version_of.find(r.spec.hash);
    if (it == version_of.end() || it->second.data()) continue;
    it->second = r.spec.version.data() ? r.spec.version : std::string_view("", 0);
    if (--unresolved == 0) break;
  }
  for (auto& r : records)
    if (!r.spec.compiler_hash.empty() && r.spec.compiler_version.empty())
      if (auto it = version_of.find(r.spec.compiler_hash); it != version_of.end()) r.spec.compiler_version = it->second;
}

BuildcacheIndex read_index(sj::dom::element doc, std::shared_ptr<IndexText> text, const std::string& where);

// Parses `len` bytes at `data`, which are followed by SIMDJSON_PADDING
// readable bytes, into a document the index keeps.
BuildcacheIndex parse_padded(const char* data, std::size_t len, const std::string& where) {
  auto text = std::make_shared<IndexText>();
  sj::dom::element doc;
  {
    sj::dom::parser parser;  // its working buffers go; the document stays
    if (auto err = parser.parse_into_document(text->document, data, len, false).get(doc); err)
      throw InputError(where, std::string("malformed index JSON: ") + sj::error_message(err));
  }
  return read_index(doc, std::move(text), where);
}

}  // namespace

std::size_t BuildcacheIndex::in_buildcache_count() const {
  return static_cast<std::size_t>(
      std::count_if(records.begin(), records.end(), [](const auto& r) { return r.in_buildcache; }));
}

BuildcacheIndex parse_index(std::string_view text, const std::string& where) {
  sj::padded_string padded(text);
  return parse_padded(padded.data(), padded.size(), where);
}

static_assert(kIndexParsePadding >= sj::SIMDJSON_PADDING);

BuildcacheIndex parse_index(const std::string& text, const std::string& where) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end; a string with
  // that much spare capacity is parsed in place instead of copied (a 100 MB
  // index copy is a tenth of the parse).
  if (text.capacity() < text.size() + sj::SIMDJSON_PADDING) return parse_index(std::string_view(text), where);
  return parse_padded(text.data(), text.size(), where);
}

namespace {
BuildcacheIndex read_index(sj::dom::element doc, std::shared_ptr<IndexText> text, const std::string& where) {
  sj::dom::object db;
  if (doc.at_key("database").get_object().get(db) != sj::SUCCESS)
    throw InputError(where, "index has no 'database' object");
  BuildcacheIndex index;
  sj::dom::element version;
  if (db.at_key("version").get(version) == sj::SUCCESS)
    index.db_version = version.is_string() ? std::string(str(version)) : sj::to_string(version);
  sj::dom::object installs;
  if (db.at_key("installs").get_object().get(installs) != sj::SUCCESS)
    throw InputError(where, "index has no 'database.installs' object");
  // One thread: building records on two cores was slower (294 ms against
  // 215 ms for 100,000 records, when records still copied their strings),
  // the allocators of the threads contending.
  const std::size_t count = installs.size();
  index.records.reserve(count);
  text->edges.reserve(count * 4);  // Spack nodes have a few edges each; this only saves regrowth
  std::vector<std::size_t> first_edge;  // per record; the edge list settles only at the end
  first_edge.reserve(count + 1);
  for (auto [key, value] : installs) {
    sj::dom::object rec;
    sj::dom::object spec;
    if (value.get_object().get(rec) != sj::SUCCESS || rec.at_key("spec").get_object().get(spec) != sj::SUCCESS)
      throw InputError(where, "index record '" + std::string(key) + "' has no 'spec' object");
    IndexRecord& r = index.records.emplace_back();
    first_edge.push_back(text->edges.size());
    r.spec = node_from(spec, *text, where);
    int64_t rc = 0;
    if (rec.at_key("ref_count").get_int64().get(rc) == sj::SUCCESS) r.ref_count = static_cast<int>(rc);
    bool ib = false;
    if (rec.at_key("in_buildcache").get_bool().get(ib) == sj::SUCCESS) r.in_buildcache = ib;
  }
  first_edge.push_back(text->edges.size());
  for (std::size_t i = 0; i < index.records.size(); ++i)
    index.records[i].dependencies =
        std::span<const DependencyEdgeView>(text->edges).subspan(first_edge[i], first_edge[i + 1] - first_edge[i]);
  resolve_compiler_versions(index.records);
  index.text = std::move(text);
  return index;
}
}  // namespace

namespace {

// Spack 1.x reads older spec files into v5 nodes before they enter a v8
// database: the node-level `compiler` becomes annotations.compiler
// ("gcc@=12.2.0") next to original_specfile_version, and every dependency
// edge gains "direct": true. (Seen in Spack's own migrated index.)
Json node_as_v5(const Json& node, int spec_version) {
  Json out = Json::object();
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it.key() == "compiler" || it.key() == "hash" || it.key() == "annotations") continue;
    if (it.key() == "dependencies") {
      Json deps = it.value();
      for (auto& d : deps)
        if (d.contains("parameters") && d["parameters"].is_object()) d["parameters"]["direct"] = true;
      out["dependencies"] = std::move(deps);
      continue;
    }
    out[it.key()] = it.value();
  }
  Json annotations = Json::object();
  annotations["original_specfile_version"] = spec_version;
  if (auto c = node.find("compiler"); c != node.end() && c->is_object()) {
    auto text = [&](const char* key) {  // parse_node ignores what is not a string; so do we
      auto v = c->find(key);
      return v != c->end() && v->is_string() ? v->get<std::string>() : std::string();
    };
    annotations["compiler"] = text("name") + "@=" + text("version");
  }
  out["annotations"] = std::move(annotations);
  out["hash"] = node["hash"];
  return out;
}

}  // namespace

void IndexBuilder::add_spec_file(const Json& spec_file, const std::string& where) {
  const auto parsed = parse_spec_file(spec_file, where);  // validates the shape
  const bool convert = parsed.spec_version > 0 && parsed.spec_version < 5 && db_version_ >= "8";
  Json converted;
  if (convert) {
    converted = Json::array();
    for (const auto& n : spec_file["spec"]["nodes"]) converted.push_back(node_as_v5(n, parsed.spec_version));
  }
  const auto& nodes = convert ? converted : spec_file["spec"]["nodes"];
  // The file's nodes by hash; their text is made when one is recorded (or
  // compared), into the builder's own storage.
  struct FileNodes {
    std::deque<std::string>& owned;
    std::unordered_map<std::string, const Json*> by_hash;
    mutable std::unordered_map<std::string, std::string_view> texts;
    bool has(const std::string& h) const { return by_hash.count(h) > 0; }
    std::vector<std::string> dependencies(const std::string& h) const {
      std::vector<std::string> out;
      const Json& node = *by_hash.at(h);
      if (auto deps = node.find("dependencies"); deps != node.end())
        for (const auto& d : *deps) out.push_back(d["hash"].get<std::string>());
      return out;
    }
    std::string_view text(const std::string& h) const {
      auto it = texts.find(h);
      return it != texts.end() ? it->second
                               : texts.emplace(h, owned.emplace_back(dump_compact(*by_hash.at(h)))).first->second;
    }
  } file{owned_texts_, {}, {}};
  for (const auto& n : nodes) file.by_hash.emplace(n["hash"].get<std::string>(), &n);
  if (compare_with_)
    for (const auto& [h, node] : file.by_hash)
      if (const auto* stored = compare_with_->find(h); stored && stored->text != file.text(h)) ++differing_;
  const auto root = nodes.front()["hash"].get<std::string>();
  std::vector<std::string> stack;
  visit(root, file, stack);
  in_buildcache_[root] = true;
}

void IndexBuilder::add_stored_spec(const std::string& root, const StoredIndex& index) {
  struct StoredNodes {
    const StoredIndex& index;
    bool has(const std::string& h) const { return index.find(h) != nullptr; }
    std::vector<std::string> dependencies(const std::string& h) const {
      const auto& deps = index.find(h)->dependencies;
      return {deps.begin(), deps.end()};
    }
    std::string_view text(const std::string& h) const { return index.find(h)->text; }
  } stored{index};
  std::vector<std::string> stack;
  visit(root, stored, stack);
  in_buildcache_[root] = true;
}

// Post-order over dependency edges (sorted by name in the file), so every
// node follows its dependencies, as in Spack's database.
template <class Source>
void IndexBuilder::visit(const std::string& hash, const Source& source, std::vector<std::string>& stack) {
  if (nodes_.count(hash) || std::find(stack.begin(), stack.end(), hash) != stack.end()) return;
  if (!source.has(hash)) return;  // dependency not in this file: nothing to record
  stack.push_back(hash);
  auto deps = source.dependencies(hash);
  for (const auto& d : deps) visit(d, source, stack);
  stack.pop_back();
  nodes_.emplace(hash, Node{source.text(hash), std::move(deps)});
  order_.push_back(hash);
}

std::string IndexBuilder::json_text() const {
  std::unordered_map<std::string, int> refs;
  for (const auto& h : order_) {
    std::unordered_set<std::string_view> seen;
    for (const auto& d : nodes_.at(h).dependencies)
      if (nodes_.count(d) && seen.insert(d).second) ++refs[d];
  }
  IndexTextWriter out(db_version_);
  std::size_t bytes = 64;
  for (const auto& [h, node] : nodes_) bytes += node.text.size() + h.size() + 48;
  out.reserve(bytes);
  for (const auto& h : order_) {
    auto ib = in_buildcache_.find(h);
    out.add(h, nodes_.at(h).text, refs[h], ib != in_buildcache_.end() && ib->second);
  }
  return std::move(out).finish();
}

}  // namespace spackext::buildcache
