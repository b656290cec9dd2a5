#include "product_manifest.hpp"

#include <algorithm>
#include <limits>
#include <sstream>

#include <spackext/errors.hpp>

namespace spackext::product {

using nlohmann::json;

bool is_safe_relative(const std::string& path) {
  if (path.empty() || path.front() == '/') return false;
  std::stringstream parts(path);
  std::string part;
  while (std::getline(parts, part, '/'))
    if (part.empty() || part == "." || part == "..") return false;
  return path.back() != '/';
}

json ProductManifest::to_json() const {
  json specs_json = json::array();
  for (const auto& s : specs)
    specs_json.push_back({{"name", s.name},
                          {"version", s.version},
                          {"hash", s.hash},
                          {"path", s.path},
                          {"dependencies", s.dependencies},
                          {"tarball_sha256", s.tarball_sha256},
                          {"signer", s.signer}});
  json left = json::array();
  for (const auto& l : left_out) left.push_back({{"name", l.name}, {"hash", l.hash}, {"reason", l.reason}});
  json strings = json::array();
  for (const auto& b : binary_strings)
    strings.push_back({{"file", b.file}, {"offset", b.offset}, {"length", b.length}, {"spec_path", b.spec_path}});
  json doc = {{"format", kFormat},
              {"format_version", kFormatVersion},
              {"name", name},
              {"version", version},
              {"hash", hash},
              {"prefix_variable", prefix_variable},
              {"default_prefix", default_prefix},
              {"placeholder", kTextPlaceholder},
              {"source", source},
              {"specs", specs_json},
              {"left_out", left},
              {"text_files", text_files},
              {"binary_strings", strings}};
  if (!installed_prefix.empty()) doc["installed_prefix"] = installed_prefix;
  return doc;
}

namespace {

class Reader {
 public:
  explicit Reader(std::string where) : where_(std::move(where)) {}

  const json& field(const json& obj, const char* key, json::value_t type, const std::string& at) const {
    if (!obj.is_object() || !obj.contains(key))
      throw InputError(where_, "missing '" + at + key + "'");
    const json& v = obj[key];
    const bool ok = v.type() == type || (type == json::value_t::number_unsigned && v.is_number_unsigned());
    if (!ok) throw InputError(where_, "'" + at + key + "' has the wrong type");
    return v;
  }
  std::string text(const json& obj, const char* key, const std::string& at = {}) const {
    return field(obj, key, json::value_t::string, at).get<std::string>();
  }
  std::string path(const json& obj, const char* key, const std::string& at) const {
    auto p = text(obj, key, at);
    if (!is_safe_relative(p)) throw InputError(where_, "'" + at + key + "' is not a safe relative path: " + p);
    return p;
  }
  const json& list(const json& obj, const char* key) const { return field(obj, key, json::value_t::array, ""); }
  // A field older writers may leave out: "" when absent, an error when not a string.
  std::string optional_text(const json& obj, const char* key, const std::string& at = {}) const {
    return obj.is_object() && obj.contains(key) ? text(obj, key, at) : std::string();
  }
  const std::string& where() const { return where_; }

 private:
  std::string where_;
};

}  // namespace

ProductManifest ProductManifest::from_json(const json& doc, const std::string& where) {
  Reader r(where);
  // Compared as JSON values: a "format" of another type is "not a product manifest", not a type error.
  if (!doc.is_object() || !doc.contains("format") || doc["format"] != kFormat)
    throw InputError(where, std::string("not a product manifest (expected \"format\": \"") + kFormat + "\")");
  if (!doc.contains("format_version") || doc["format_version"] != kFormatVersion)
    throw InputError(where, "format_version " + doc.value("format_version", json()).dump() + " is not supported (expected " +
                                std::to_string(kFormatVersion) + ")");
  if (r.text(doc, "placeholder") != kTextPlaceholder)
    throw InputError(where, std::string("unexpected placeholder (expected ") + kTextPlaceholder + ")");
  ProductManifest m;
  m.name = r.text(doc, "name");
  m.version = r.text(doc, "version");
  m.hash = r.text(doc, "hash");
  m.prefix_variable = r.text(doc, "prefix_variable");
  m.default_prefix = r.text(doc, "default_prefix");
  m.source = r.text(doc, "source");
  for (const auto& s : r.list(doc, "specs")) {
    ProductSpec p;
    p.name = r.text(s, "name", "specs[].");
    p.version = r.text(s, "version", "specs[].");
    p.hash = r.text(s, "hash", "specs[].");
    p.path = r.path(s, "path", "specs[].");
    if (p.path.find('/') != std::string::npos) throw InputError(where, "specs[].path must be one folder name: " + p.path);
    for (const auto& d : r.field(s, "dependencies", json::value_t::array, "specs[].")) {
      if (!d.is_string()) throw InputError(where, "'specs[].dependencies' holds a " + std::string(d.type_name()) + ", not a hash");
      p.dependencies.push_back(d.get<std::string>());
    }
    p.tarball_sha256 = r.optional_text(s, "tarball_sha256", "specs[].");
    p.signer = r.optional_text(s, "signer", "specs[].");
    m.specs.push_back(std::move(p));
  }
  if (m.specs.empty()) throw InputError(where, "'specs' is empty");
  for (const auto& l : r.list(doc, "left_out"))
    m.left_out.push_back({r.text(l, "name", "left_out[]."), r.text(l, "hash", "left_out[]."), r.optional_text(l, "reason", "left_out[].")});
  for (const auto& t : r.list(doc, "text_files")) {
    if (!t.is_string() || !is_safe_relative(t.get<std::string>()))
      throw InputError(where, "text_files holds an unsafe path: " + t.dump());
    m.text_files.push_back(t.get<std::string>());
  }
  for (const auto& b : r.list(doc, "binary_strings")) {
    BinaryString s;
    s.file = r.path(b, "file", "binary_strings[].");
    s.offset = r.field(b, "offset", json::value_t::number_unsigned, "binary_strings[].").get<std::uint64_t>();
    s.length = r.field(b, "length", json::value_t::number_unsigned, "binary_strings[].").get<std::uint64_t>();
    s.spec_path = r.path(b, "spec_path", "binary_strings[].");
    m.binary_strings.push_back(std::move(s));
  }
  m.installed_prefix = r.optional_text(doc, "installed_prefix");
  return m;
}

std::size_t ProductManifest::max_prefix_length() const {
  std::size_t limit = std::numeric_limits<std::size_t>::max();
  // The string becomes <prefix>/<spec_path><rest>: the prefix gets what is
  // left of the placeholder's bytes once "/<spec_path>" is in.
  for (const auto& b : binary_strings) {
    const std::size_t tail = b.spec_path.size() + 1;
    limit = std::min<std::size_t>(limit, b.length > tail ? b.length - tail : 0);
  }
  return limit;
}

std::string bundle_stem(const ProductManifest& m) { return m.name + "-" + m.version + "-" + m.hash.substr(0, 7); }

}  // namespace spackext::product
