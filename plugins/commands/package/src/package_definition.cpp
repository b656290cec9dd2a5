#include "package_definition.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "embedded_schema.hpp"
#include "spackext/yaml_document.hpp"

namespace spackext::package {
namespace {

const valijson::Schema& definition_schema() {
  static const auto* schema = [] {
    static const nlohmann::json document = nlohmann::json::parse(package_definition_schema());
    auto* s = new valijson::Schema;
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(document);
    parser.populateSchema(adapter, *s);
    return s;
  }();
  return *schema;
}

// valijson's wording, made to say what was expected.
std::string schema_message(const std::string& d, const nlohmann::json* value) {
  static const std::regex missing(R"(^Missing required property '(.*)'\.$)");
  static const std::regex extra(R"(^Object contains a property that could not be validated .*: '(.*)'\.$)");
  static const std::regex pattern(R"(^Failed to match regex.*)");
  std::smatch m;
  if (std::regex_match(d, m, missing)) return "'" + m[1].str() + "' is required";
  if (std::regex_match(d, m, extra)) return "unknown key '" + m[1].str() + "'";
  if (d.rfind("Value type not permitted", 0) == 0) {
    return "expected " + std::string(value && value->is_object() ? "a value, not a mapping"
                                     : value && value->is_array() ? "a value, not a list"
                                                                  : "a different type") +
           (value ? " (got " + value->dump() + ")" : "");
  }
  if (std::regex_match(d, pattern)) {
    return (value ? value->dump() + ": " : "") +
           std::string("expected lowercase letters, digits and '-' (a Spack package name)");
  }
  if (d.rfind("Failed to validate against any", 0) == 0 || d.rfind("Failed to validate item", 0) == 0)
    return "expected a spec string";
  return d;
}

std::string key_of(const std::vector<std::string>& path, const std::vector<bool>& index) {
  std::string key;
  for (std::size_t i = 0; i < path.size(); ++i)
    key += index[i] ? "[" + path[i] + "]" : (key.empty() ? "" : ".") + path[i];
  return key;
}

std::vector<DefinitionIssue> schema_issues(const YamlDocument& doc) {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(doc.root);
  if (validator.validate(definition_schema(), target, &results)) return {};
  struct Raw { std::string pointer, key, message; };
  std::vector<Raw> raw;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::string pointer;
    std::vector<std::string> path;
    std::vector<bool> is_index;
    const nlohmann::json* node = &doc.root;
    for (std::size_t i = 1; i < error.context.size(); ++i) {
      const auto& c = error.context[i];
      std::string token = c.size() >= 2 ? c.substr(1, c.size() - 2) : c;
      const bool index = node && node->is_array();
      path.push_back(token);
      is_index.push_back(index);
      pointer += "/" + json_pointer_token(token);
      if (node && index) node = &(*node)[std::stoul(token)];
      else if (node && node->is_object() && node->contains(token)) node = &(*node)[token];
      else node = nullptr;
    }
    raw.push_back({pointer, key_of(path, is_index), schema_message(error.description, node)});
  }
  // Keep the most specific message at each node: a wrapper ("Failed to
  // validate ...") is dropped when something below it says more.
  std::vector<DefinitionIssue> issues;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& r : raw) {
    const bool wrapper = r.message.rfind("Failed to validate", 0) == 0;
    const bool deeper = std::any_of(raw.begin(), raw.end(), [&](const Raw& o) {
      return o.pointer.size() > r.pointer.size() && o.pointer.rfind(r.pointer + "/", 0) == 0;
    });
    if ((wrapper || r.message.rfind("expected a spec string", 0) == 0) && deeper) continue;
    if (wrapper) continue;
    if (!seen.insert({r.pointer, r.message}).second) continue;
    // A missing key is reported on the mapping that lacks it, an unknown
    // key on its own line.
    int line = doc.line_of(r.pointer);
    static const std::regex unknown(R"(^unknown key '(.*)'$)");
    std::smatch m;
    if (std::regex_match(r.message, m, unknown)) {
      if (auto it = doc.key_lines.find(r.pointer + "/" + json_pointer_token(m[1].str())); it != doc.key_lines.end())
        line = it->second;
    }
    issues.push_back({doc.name, line, 0, r.key.empty() ? "(top level)" : r.key, r.message});
  }
  return issues;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// The file column of column `c` (1-based) of the string at `pointer`: the
// node's own column, one more when it is quoted.
int file_column(const YamlDocument& doc, const std::vector<std::string>& lines, const std::string& pointer, int c) {
  auto it = doc.columns.find(pointer);
  if (it == doc.columns.end()) return 0;
  int base = it->second;
  const int line = doc.line_of(pointer);
  if (line >= 1 && static_cast<std::size_t>(line) <= lines.size()) {
    const auto& l = lines[static_cast<std::size_t>(line - 1)];
    if (static_cast<std::size_t>(base - 1) < l.size() && (l[static_cast<std::size_t>(base - 1)] == '"' || l[static_cast<std::size_t>(base - 1)] == '\'')) ++base;
  }
  return base + c - 1;
}

std::string scalar_text(const YamlDocument& doc, const std::string& pointer, const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (auto it = doc.plain_text.find(pointer); it != doc.plain_text.end()) return it->second;
  return v.dump();
}

const std::vector<std::string> kFlagNames{"cflags", "cxxflags", "fflags", "cppflags", "ldflags", "ldlibs"};

// Pass 3: the spec strings, profiles and ranges.
PackageDefinition read_content(const YamlDocument& doc, const std::string& text,
                               std::vector<DefinitionIssue>& issues) {
  const auto lines = split_lines(text);
  const auto& root = doc.root;
  PackageDefinition def;
  def.file = doc.name;
  def.name = root.at("name").get<std::string>();
  def.line_of_name = doc.line_of("/name");
  def.family = root.at("family").get<std::string>();
  def.version = scalar_text(doc, "/version", root.at("version"));
  def.description = root.value("description", "");
  def.homepage = root.value("homepage", "");
  auto issue = [&](const std::string& pointer, int column, const std::string& key, const std::string& message) {
    issues.push_back({doc.name, doc.line_of(pointer), column, key, message});
  };
  try {
    spack::parse_version_list(def.version);
    if (def.version.find_first_of(": ,") != std::string::npos) throw std::invalid_argument("");
  } catch (...) {
    issue("/version", 0, "version", "'" + def.version + "' is not a single version");
  }

  std::set<std::string> dependency_names;
  if (root.contains("dependencies")) {
    const auto& deps = root["dependencies"];
    for (std::size_t i = 0; i < deps.size(); ++i) {
      std::string pointer = "/dependencies/" + std::to_string(i);
      std::string spec_text;
      // `- python@3.11:` is a one-key mapping to YAML: the key is the spec.
      if (deps[i].is_object()) {
        const std::string key = deps[i].begin().key();
        pointer += "/" + json_pointer_token(key);
        spec_text = key + ":";  // the colon YAML took as the mapping indicator
      } else {
        spec_text = deps[i].get<std::string>();
      }
      const std::string key = "dependencies[" + std::to_string(i) + "]";
      try {
        Dependency d{spec_text, spack::parse_spec(spec_text), doc.line_of(pointer)};
        if (d.spec.name.empty()) {
          issue(pointer, file_column(doc, lines, pointer, 1), key, "'" + spec_text + "' names no package");
          continue;
        }
        if (d.spec.name == def.name) {
          issue(pointer, file_column(doc, lines, pointer, 1), key, "a package cannot depend on itself");
          continue;
        }
        if (!dependency_names.insert(d.spec.name).second) {
          issue(pointer, file_column(doc, lines, pointer, 1), key,
                "'" + d.spec.name + "' is listed more than once (merge the constraints into one spec)");
          continue;
        }
        def.dependencies.push_back(std::move(d));
      } catch (const spack::SpecSyntaxError& e) {
        issue(pointer, file_column(doc, lines, pointer, e.column()), key, e.what());
      }
    }
  }

  if (root.contains("profiles")) {
    for (const auto& [pname, body] : root["profiles"].items()) {
      const std::string base = "/profiles/" + json_pointer_token(pname);
      Profile p;
      p.name = pname;
      p.line = doc.line_of(base);
      if (body.is_null()) {
        def.profiles.push_back(std::move(p));
        continue;
      }
      p.description = body.value("description", "");
      p.variants = body.value("variants", "");
      if (!p.variants.empty()) {
        try {
          p.variant_spec = spack::parse_spec(p.variants);
          if (!p.variant_spec.name.empty() || !p.variant_spec.dependencies.empty() || !p.variant_spec.versions.empty())
            issue(base + "/variants", 0, "profiles." + pname + ".variants",
                  "'" + p.variants + "': a profile sets variants only (+name, ~name, name=value)");
        } catch (const spack::SpecSyntaxError& e) {
          issue(base + "/variants", file_column(doc, lines, base + "/variants", e.column()),
                "profiles." + pname + ".variants", e.what());
        }
      }
      for (const auto& f : kFlagNames)
        if (body.contains(f)) p.flags[f] = body[f].get<std::string>();
      if (body.contains("compilers")) {
        for (const auto& [compiler, flags] : body["compilers"].items()) {
          if (!std::regex_match(compiler, std::regex("^[a-z0-9][a-z0-9-]*$"))) {
            issue(base + "/compilers/" + json_pointer_token(compiler), 0, "profiles." + pname + ".compilers",
                  "'" + compiler + "' is not a compiler package name (gcc, llvm, intel-oneapi-compilers, ...)");
            continue;
          }
          CompilerFlags cf;
          if (flags.is_object())
            for (const auto& [f, v] : flags.items()) cf.flags[f] = v.get<std::string>();
          p.compilers[compiler] = std::move(cf);
        }
      }
      def.profiles.push_back(std::move(p));
    }
  }

  if (root.contains("compatibility")) {
    for (const auto& [dep, value] : root["compatibility"].items()) {
      const std::string pointer = "/compatibility/" + json_pointer_token(dep);
      Compatibility c{dep, scalar_text(doc, pointer, value), {}, doc.line_of(pointer)};
      try {
        c.range = parse_compatibility(c.text);
      } catch (const std::invalid_argument& e) {
        issue(pointer, 0, "compatibility." + dep, e.what());
        continue;
      }
      def.compatibility.push_back(std::move(c));
    }
  }
  // JSON objects come back sorted by key: restore the file's order.
  std::stable_sort(def.profiles.begin(), def.profiles.end(), [](const Profile& a, const Profile& b) { return a.line < b.line; });
  std::stable_sort(def.compatibility.begin(), def.compatibility.end(),
                   [](const Compatibility& a, const Compatibility& b) { return a.line < b.line; });
  std::stable_sort(issues.begin(), issues.end(),
                   [](const DefinitionIssue& a, const DefinitionIssue& b) { return a.line < b.line; });
  return def;
}

std::optional<std::string> read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string DefinitionIssue::to_string() const {
  std::string where = file + (line > 0 ? ":" + std::to_string(line) : "") + (column > 0 ? ":" + std::to_string(column) : "");
  return where + ": " + (key.empty() ? "" : key + ": ") + message;
}

const char* issue_class_name(IssueClass c) {
  switch (c) {
    case IssueClass::Syntax: return "YAML syntax";
    case IssueClass::Schema: return "schema";
    case IssueClass::Content: return "spec and range";
  }
  return "";
}

const Profile* PackageDefinition::profile(const std::string& n) const {
  for (const auto& p : profiles)
    if (p.name == n) return &p;
  return nullptr;
}

nlohmann::json PackageDefinition::to_json() const {
  nlohmann::json j{{"name", name}, {"family", family}, {"version", version}};
  if (!description.empty()) j["description"] = description;
  if (!homepage.empty()) j["homepage"] = homepage;
  j["dependencies"] = nlohmann::json::array();
  for (const auto& d : dependencies) j["dependencies"].push_back(d.text);
  j["profiles"] = nlohmann::json::object();
  for (const auto& p : profiles) {
    nlohmann::json pj = nlohmann::json::object();
    if (!p.description.empty()) pj["description"] = p.description;
    if (!p.variants.empty()) pj["variants"] = p.variants;
    for (const auto& [f, v] : p.flags) pj[f] = v;
    for (const auto& [c, cf] : p.compilers) pj["compilers"][c] = cf.flags;
    j["profiles"][p.name] = pj;
  }
  j["compatibility"] = nlohmann::json::object();
  for (const auto& c : compatibility) j["compatibility"][c.name] = c.text;
  return j;
}

namespace {

// Passes two and three over a document already read.
LoadResult check_document(const YamlDocument& doc, const std::string& text) {
  LoadResult result;
  if (doc.root.is_null()) {
    result.issues.push_back({doc.name, 1, 0, "", "the file is empty (expected a package definition)"});
    result.issue_class = IssueClass::Schema;
    return result;
  }
  result.issues = schema_issues(doc);
  std::stable_sort(result.issues.begin(), result.issues.end(),
                   [](const DefinitionIssue& a, const DefinitionIssue& b) { return a.line < b.line; });
  if (!result.issues.empty()) {
    result.issue_class = IssueClass::Schema;
    return result;
  }
  auto def = read_content(doc, text, result.issues);
  if (!result.issues.empty()) {
    result.issue_class = IssueClass::Content;
    return result;
  }
  result.definitions.push_back(std::move(def));
  return result;
}

}  // namespace

LoadResult load_definition_text(const std::string& text, const std::string& name) {
  YamlDocument doc;
  try {
    doc = parse_yaml(text, name);
  } catch (const YamlSyntaxError& e) {
    LoadResult result;
    result.issues.push_back({e.file(), e.line(), 0, "", e.problem()});
    result.issue_class = IssueClass::Syntax;
    return result;
  }
  return check_document(doc, text);
}

LoadResult load_definitions(const std::vector<fs::path>& files) {
  // Each pass runs over every file before the next pass starts.
  LoadResult out;
  std::vector<std::pair<std::string, std::string>> texts;
  for (const auto& f : files) {
    std::error_code ec;
    if (!fs::exists(f, ec)) {
      out.issues.push_back({f.string(), 0, 0, "", "no such file"});
      continue;
    }
    auto text = read_text(f);
    if (!text || fs::is_directory(f, ec)) {
      out.issues.push_back({f.string(), 0, 0, "", "cannot read the file (expected a package definition .yaml)"});
      continue;
    }
    texts.emplace_back(f.string(), std::move(*text));
  }
  if (!out.issues.empty()) {
    out.issue_class = IssueClass::Syntax;
    return out;
  }
  std::vector<LoadResult> each;
  IssueClass worst = IssueClass::Content;
  bool any = false;
  for (const auto& [name, text] : texts) {
    each.push_back(load_definition_text(text, name));
    if (!each.back().ok()) {
      if (!any || static_cast<int>(each.back().issue_class) < static_cast<int>(worst)) worst = each.back().issue_class;
      any = true;
    }
  }
  for (auto& r : each) {
    if (any) {
      if (!r.ok() && r.issue_class == worst)
        out.issues.insert(out.issues.end(), r.issues.begin(), r.issues.end());
    } else {
      out.definitions.insert(out.definitions.end(), r.definitions.begin(), r.definitions.end());
    }
  }
  out.issue_class = worst;
  return out;
}

PackageDefinition definition_from_json(const nlohmann::json& j, const std::string& origin) {
  // A catalog row is the JSON of a definition that passed; it is checked
  // again (a hand-edited database says so) but not re-read as YAML.
  YamlDocument doc;
  doc.name = origin;
  doc.root = j;
  auto r = check_document(doc, "");
  if (!r.ok()) throw Error("catalog entry " + origin + " is damaged: " + r.issues.front().to_string());
  auto def = std::move(r.definitions.front());
  def.file = origin;
  return def;
}

}  // namespace spackext::package
