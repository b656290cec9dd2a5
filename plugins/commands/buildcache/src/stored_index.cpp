#include "buildcache/stored_index.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <spackext/errors.hpp>

namespace spackext::buildcache {

namespace {

namespace od = simdjson::ondemand;

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// A string token's characters, viewed in the text. Hashes and names are
// plain ASCII; one written with escapes is not something to copy blindly.
std::string_view plain_string(std::string_view token, const std::string& where) {
  token = trim_right(token);
  if (token.size() < 2 || token.front() != '"' || token.back() != '"')
    throw InputError(where, "expected a string, got " + std::string(token.substr(0, 40)));
  token = token.substr(1, token.size() - 2);
  if (token.find('\\') != std::string_view::npos)
    throw InputError(where, "escaped characters in '" + std::string(token.substr(0, 40)) + "'");
  return token;
}

void check(simdjson::error_code err, const std::string& where) {
  if (err) throw InputError(where, std::string("malformed index JSON: ") + simdjson::error_message(err));
}

// A string's characters, or another value's JSON text (as SpecNode::version
// and BuildcacheIndex::db_version keep a number).
std::string string_or_json(od::value value, const std::string& where) {
  od::json_type type;
  check(value.type().get(type), where);
  return type == od::json_type::string ? std::string(plain_string(value.raw_json_token(), where))
                                       : std::string(trim_right(value.raw_json_token()));
}

void read_node(od::object spec, StoredNode& node, const std::string& where) {
  std::string_view text;
  check(spec.raw_json().get(text), where);
  node.text = trim_right(text);
  bool again = false;
  check(spec.reset().get(again), where);
  for (auto member : spec) {
    std::string_view key;
    check(member.unescaped_key().get(key), where);
    od::value value;
    check(member.value().get(value), where);
    if (key == "name") {
      node.name = plain_string(value.raw_json_token(), where);
    } else if (key == "version") {
      node.version = string_or_json(value, where);
    } else if (key == "dependencies") {
      od::array deps;
      check(value.get_array().get(deps), where);
      for (auto d : deps) {
        od::object dep;
        check(d.get_object().get(dep), where);
        for (auto f : dep) {
          std::string_view k;
          check(f.unescaped_key().get(k), where);
          if (k != "hash") continue;
          od::value h;
          check(f.value().get(h), where);
          node.dependencies.push_back(plain_string(h.raw_json_token(), where));
        }
      }
    }
  }
}

}  // namespace

StoredIndex::StoredIndex(std::string text, const std::string& where)
    : text_(std::make_unique<std::string>(std::move(text))) {
  const auto size = text_->size();
  text_->reserve(size + simdjson::SIMDJSON_PADDING);
  od::parser parser;
  od::document doc;
  check(parser.iterate(text_->data(), size, text_->capacity()).get(doc), where);
  od::object root;
  check(doc.get_object().get(root), where);
  bool found = false;
  for (auto top : root) {
    std::string_view key;
    check(top.unescaped_key().get(key), where);
    if (key != "database") continue;
    found = true;
    od::object db;
    check(top.value().get_object().get(db), where);
    bool installs_found = false;
    for (auto part : db) {
      std::string_view k;
      check(part.unescaped_key().get(k), where);
      od::value v;
      check(part.value().get(v), where);
      if (k == "version") {
        db_version_ = string_or_json(v, where);
      } else if (k == "installs") {
        installs_found = true;
        od::object installs;
        check(v.get_object().get(installs), where);
        for (auto rec : installs) {
          od::raw_json_string raw_key;
          check(rec.key().get(raw_key), where);
          // raw() points past the opening quote into the text (no strlen:
          // that would scan the rest of it for every record); hashes have no escapes.
          const char* start = raw_key.raw();
          std::string_view hash(start, static_cast<std::size_t>(text_->data() + size - start));
          hash = hash.substr(0, hash.find('"'));
          if (hash.find('\\') != std::string_view::npos) throw InputError(where, "escaped record key");
          od::object record;
          check(rec.value().get_object().get(record), where);
          StoredNode node;
          bool has_spec = false;
          for (auto f : record) {
            std::string_view fk;
            check(f.unescaped_key().get(fk), where);
            if (fk == "spec") {
              od::object spec;
              check(f.value().get_object().get(spec), where);
              read_node(spec, node, where);
              has_spec = true;
            } else if (fk == "ref_count") {
              int64_t rc = 0;
              check(f.value().get_int64().get(rc), where);
              node.ref_count = static_cast<int>(rc);
            } else if (fk == "in_buildcache") {
              check(f.value().get_bool().get(node.in_buildcache), where);
            }
          }
          if (!has_spec) throw InputError(where, "index record '" + std::string(hash) + "' has no 'spec' object");
          if (!nodes_.emplace(hash, std::move(node)).second)
            throw InputError(where, "index record '" + std::string(hash) + "' appears twice");
          order_.push_back(hash);
        }
      }
    }
    if (!installs_found) throw InputError(where, "index has no 'database.installs' object");
  }
  if (!found) throw InputError(where, "index has no 'database' object");
}

const StoredNode* StoredIndex::find(std::string_view hash) const {
  auto it = nodes_.find(hash);
  return it == nodes_.end() ? nullptr : &it->second;
}

bool StoredIndex::canonical() const {
  // ensure_ascii output has no byte outside printable ASCII; with that, the
  // only freedom left to a writer is the layout between tokens, which
  // rewriting the records from their own texts checks.
  if (!std::all_of(text_->begin(), text_->end(), [](char c) { return c >= 0x20 && c < 0x7f; })) return false;
  IndexTextWriter w(db_version_);
  w.reserve(text_->size());
  for (auto h : order_) {
    const auto& n = nodes_.at(h);
    w.add(h, n.text, n.ref_count, n.in_buildcache);
  }
  return std::move(w).finish() == *text_;
}

IndexTextWriter::IndexTextWriter(const std::string& db_version) {
  out_ = "{\"database\":{\"version\":" + nlohmann::ordered_json(db_version).dump(-1, ' ', true) + ",\"installs\":{";
}

void IndexTextWriter::add(std::string_view hash, std::string_view node_text, int ref_count, bool in_buildcache) {
  if (!first_) out_ += ',';
  first_ = false;
  // A DAG hash is base32: quoted as it is. Anything else is escaped as
  // Spack's json.dump (ensure_ascii) does.
  if (std::all_of(hash.begin(), hash.end(), [](char c) { return c > 0x20 && c < 0x7f && c != '"' && c != '\\'; }))
    out_.append("\"").append(hash).append("\"");
  else
    out_ += nlohmann::ordered_json(std::string(hash)).dump(-1, ' ', true);
  out_ += ":{\"spec\":";
  out_ += node_text;
  out_ += ",\"ref_count\":";
  out_ += std::to_string(ref_count);
  out_ += ",\"in_buildcache\":";
  out_ += in_buildcache ? "true" : "false";
  out_ += '}';
}

std::string IndexTextWriter::finish() && {
  out_ += "}}}";
  return std::move(out_);
}

}  // namespace spackext::buildcache
