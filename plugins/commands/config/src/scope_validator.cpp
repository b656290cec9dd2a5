#include "scope_validator.hpp"

#include <algorithm>
#include <regex>
#include <set>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "embedded_schemas.hpp"
#include "spackext/errors.hpp"

namespace spackext::config {

namespace fs = std::filesystem;

struct ScopeValidator::Compiled {
  nlohmann::json document;  // kept for the expected-type lookup in messages
  valijson::Schema schema;
};

namespace {

std::string json_repr(const nlohmann::json& v) {
  if (v.is_string()) return "'" + v.get<std::string>() + "'";
  if (v.is_object()) return "a mapping";
  if (v.is_array()) return "a list";
  return v.dump();
}

// Follows "$ref": "#/definitions/x" inside one schema document.
const nlohmann::json& deref(const nlohmann::json& root, const nlohmann::json& s) {
  if (s.is_object() && s.contains("$ref")) {
    const std::string ref = s["$ref"].get<std::string>();
    return root.at(nlohmann::json::json_pointer(ref.substr(1)));
  }
  return s;
}

// The schema that applies to the child `key` of a node whose schema is `s`
// (properties, then patternProperties, then additionalProperties / items).
const nlohmann::json* child_schema(const nlohmann::json& root, const nlohmann::json& s,
                                   const std::string& key, bool is_index) {
  const auto& node = deref(root, s);
  if (!node.is_object()) return nullptr;
  if (is_index) return node.contains("items") ? &node["items"] : nullptr;
  if (node.contains("properties") && node["properties"].contains(key)) return &node["properties"][key];
  if (node.contains("patternProperties")) {
    for (const auto& [pattern, sub] : node["patternProperties"].items()) {
      if (std::regex_search(key, std::regex(pattern))) return &sub;
    }
  }
  if (node.contains("additionalProperties") && node["additionalProperties"].is_object()) {
    return &node["additionalProperties"];
  }
  return nullptr;
}

// "'boolean'" or "'string' or 'array'": what the schema at `path` accepts.
std::string expected_types(const nlohmann::json& root, const std::vector<std::string>& path,
                           const std::vector<bool>& is_index) {
  const nlohmann::json* s = &root;
  for (std::size_t i = 0; i < path.size() && s; ++i) s = child_schema(root, *s, path[i], is_index[i]);
  if (!s) return {};
  const auto& node = deref(root, *s);
  std::vector<std::string> types;
  auto collect = [&](const nlohmann::json& t) {
    if (t.is_string()) types.push_back(t.get<std::string>());
    else if (t.is_array()) for (const auto& x : t) types.push_back(x.get<std::string>());
  };
  if (node.contains("type")) collect(node["type"]);
  for (const char* combo : {"oneOf", "anyOf"}) {
    if (!node.contains(combo)) continue;
    for (const auto& alt : node[combo]) {
      const auto& a = deref(root, alt);
      if (a.contains("type")) collect(a["type"]);
    }
  }
  std::string out;
  std::set<std::string> seen;
  for (const auto& t : types) {
    if (!seen.insert(t).second) continue;
    out += (out.empty() ? "'" : " or '") + t + "'";
  }
  return out;
}

// Rewrites valijson's wording into the jsonschema wording Spack prints.
std::string spack_style_message(const std::string& description, const nlohmann::json& value,
                                 const std::string& expected) {
  static const std::regex missing(R"(^Missing required property '(.*)'\.$)");
  static const std::regex extra(R"(^Object contains a property that could not be validated .*: '(.*)'\.$)");
  std::smatch m;
  if (std::regex_match(description, m, missing)) return "'" + m[1].str() + "' is a required property";
  if (std::regex_match(description, m, extra)) {
    return "Additional properties are not allowed ('" + m[1].str() + "' was unexpected)";
  }
  if (description.rfind("Value type not permitted", 0) == 0) {
    return json_repr(value) + " is not of type " + (expected.empty() ? "the expected type" : expected);
  }
  if (description.rfind("Failed to match against any enum", 0) == 0) {
    return json_repr(value) + " is not one of the allowed values";
  }
  return description;
}

bool is_wrapper_message(const std::string& d) {
  return d.rfind("Failed to validate", 0) == 0;
}

}  // namespace

std::string ValidationIssue::to_string() const {
  // A syntax error has no key: "file:line: message".
  return file + ":" + std::to_string(line) + ": " + (key.empty() ? "" : key + ": ") + message;
}

ScopeValidator::ScopeValidator() {
  for (const auto& [section, text] : embedded_schemas()) {
    auto compiled = std::make_unique<Compiled>();
    compiled->document = nlohmann::json::parse(text);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(compiled->document);
    parser.populateSchema(adapter, compiled->schema);
    schemas_.emplace(section, std::move(compiled));
  }
}

ScopeValidator::~ScopeValidator() = default;

const std::vector<std::string>& ScopeValidator::sections() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& [section, text] : embedded_schemas()) n.push_back(section);
    return n;
  }();
  return names;
}

std::vector<ValidationIssue> ScopeValidator::validate(const YamlDocument& doc) const {
  std::vector<ValidationIssue> issues;
  if (doc.root.is_null()) return issues;  // an empty file is an empty scope
  if (!doc.root.is_object()) {
    issues.push_back({doc.name, doc.line_of(""), "", "expected a mapping of configuration sections"});
    return issues;
  }
  // Spack's schemas name every key they allow, but an empty or null key
  // (`      :`, `~:`) slips through as the string "null": Spack 0.23 then
  // fails with a Python TypeError and Spack 1.1 keeps a null entry.
  for (const auto& pointer : doc.null_keys) {
    std::string key;
    for (std::size_t at = 1; at < pointer.size();) {
      std::size_t next = pointer.find('/', at);
      if (next == std::string::npos) next = pointer.size();
      key += (key.empty() ? "" : ".") + pointer.substr(at, next - at);
      at = next + 1;
    }
    const auto line = doc.key_lines.find(pointer);
    issues.push_back({doc.name, line == doc.key_lines.end() ? doc.line_of(pointer) : line->second, key,
                      "empty or null key (a name is expected here)"});
  }
  for (const auto& [section, value] : doc.root.items()) {
    const std::string base = "/" + section;
    auto it = schemas_.find(section);
    if (it == schemas_.end()) {
      std::string known;
      for (const auto& s : sections()) known += (known.empty() ? "" : ", ") + s;
      issues.push_back({doc.name, doc.key_lines.at(base), section,
                        "unknown configuration section (known: " + known + ")"});
      continue;
    }
    if (value.is_null()) continue;  // "packages:" alone is an empty section
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(value);
    if (validator.validate(it->second->schema, target, &results)) continue;

    // Turn each error's context (["<root>", "[openmpi]", "[0]"]) into a JSON
    // pointer; keep only the most specific errors (wrappers repeat them).
    struct Raw { std::string pointer, key, description; int depth; };
    std::vector<Raw> raw;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
      std::string pointer = base, key = section;
      const nlohmann::json* node = &value;
      std::vector<std::string> path;
      std::vector<bool> is_index;
      for (std::size_t i = 1; i < error.context.size(); ++i) {
        std::string token = error.context[i].substr(1, error.context[i].size() - 2);
        bool index = node && node->is_array();
        path.push_back(token);
        is_index.push_back(index);
        pointer += "/" + token;
        key += index ? "[" + token + "]" : "." + token;
        if (node && index) node = &(*node)[std::stoul(token)];
        else if (node && node->is_object() && node->contains(token)) node = &(*node)[token];
        else node = nullptr;
      }
      std::string expected = expected_types(it->second->document, path, is_index);
      raw.push_back({pointer, key,
                     spack_style_message(error.description, node ? *node : nlohmann::json(), expected),
                     static_cast<int>(path.size())});
    }
    // A oneOf/anyOf reports the alternatives that did not fit: a type
    // mismatch at a node whose other alternative failed deeper down says
    // less than the deeper error, so it is dropped like the wrappers.
    auto below = [](const Raw& inner, const Raw& outer) {
      return inner.pointer.size() > outer.pointer.size() && inner.pointer.rfind(outer.pointer + "/", 0) == 0;
    };
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& r : raw) {
      const bool wrapper = is_wrapper_message(r.description);
      const bool type_mismatch = r.description.find(" is not of type ") != std::string::npos;
      if (wrapper || type_mismatch) {
        bool has_specific = std::any_of(raw.begin(), raw.end(), [&](const Raw& o) {
          return !is_wrapper_message(o.description) && (wrapper ? o.pointer.rfind(r.pointer, 0) == 0 : below(o, r));
        });
        if (has_specific) continue;
      }
      if (!seen.insert({r.pointer, r.description}).second) continue;
      issues.push_back({doc.name, doc.line_of(r.pointer), r.key, r.description});
    }
  }
  std::stable_sort(issues.begin(), issues.end(),
                   [](const ValidationIssue& a, const ValidationIssue& b) { return a.line < b.line; });
  return issues;
}

std::vector<ValidationIssue> ScopeValidator::validate_text(const std::string& text,
                                                           const std::string& name) const {
  try {
    return validate(parse_yaml(text, name));
  } catch (const YamlSyntaxError& e) {
    return {{e.file(), e.line(), "", e.problem()}};
  }
}

std::vector<ValidationIssue> ScopeValidator::validate_file(const fs::path& file) const {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw InputError(file.string(), "not a readable file");
  try {
    return validate(load_yaml_file(file));
  } catch (const YamlSyntaxError& e) {
    return {{e.file(), e.line(), "", e.problem()}};
  }
}

std::vector<ValidationIssue> ScopeValidator::validate_scope(const fs::path& dir) const {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(dir.string(), "not a configuration scope directory");
  std::vector<ValidationIssue> issues;
  for (const auto& section : sections()) {
    fs::path file = dir / (section + ".yaml");
    if (!fs::exists(file)) continue;
    auto found = validate_file(file);
    issues.insert(issues.end(), found.begin(), found.end());
  }
  return issues;
}

}  // namespace spackext::config
