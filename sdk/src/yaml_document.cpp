#include "spackext/yaml_document.hpp"

#include <fstream>
#include <regex>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "spackext/errors.hpp"
#include "spackext/yaml_alias_guard.hpp"

namespace spackext {
namespace {

// YAML 1.2 core schema resolution of a plain (unquoted) scalar.
nlohmann::json resolve_plain_scalar(const std::string& s) {
  static const std::regex null_re("^(~|null|Null|NULL|)$");
  static const std::regex true_re("^(true|True|TRUE)$");
  static const std::regex false_re("^(false|False|FALSE)$");
  static const std::regex int_re("^[-+]?[0-9]+$");
  static const std::regex float_re(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  if (std::regex_match(s, null_re)) return nullptr;
  if (std::regex_match(s, true_re)) return true;
  if (std::regex_match(s, false_re)) return false;
  try {
    if (std::regex_match(s, int_re)) return std::stoll(s);
    if (std::regex_match(s, float_re)) return std::stod(s);
  } catch (const std::out_of_range&) {
    return s;  // too large for a number: keep the text
  }
  return s;
}

nlohmann::json convert(const YAML::Node& node, const std::string& pointer, YamlDocument& doc, YamlAliasGuard& guard) {
  if (auto problem = guard.enter(node)) throw YamlSyntaxError(doc.name, node.Mark().line + 1, *problem);
  auto& lines = doc.lines;
  lines[pointer] = node.Mark().line + 1;
  doc.columns[pointer] = node.Mark().column + 1;
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& kv : node) {
        const std::string key = kv.first.as<std::string>();
        const std::string child = pointer + "/" + json_pointer_token(key);
        doc.key_lines[child] = kv.first.Mark().line + 1;
        // `:` alone, `~:` or `null:` is a null key, not the string "null":
        // remember it, since JSON keys cannot say so and consumers differ
        // (Spack 0.23 fails on it, Spack 1.1 keeps a null entry).
        if (kv.first.IsNull() || (kv.first.IsScalar() && kv.first.Tag() != "!" &&
                                  resolve_plain_scalar(kv.first.Scalar()).is_null())) {
          doc.null_keys.push_back(child);
        }
        obj[key] = convert(kv.second, child, doc, guard);
        // An empty value ("key:") has no mark of its own: use the key's line.
        if (kv.second.IsNull() || kv.second.Mark().line < 0) {
          lines[child] = kv.first.Mark().line + 1;
          doc.columns[child] = kv.first.Mark().column + 1;
        }
      }
      guard.leave();
      return obj;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json arr = nlohmann::json::array();
      std::size_t i = 0;
      for (const auto& item : node) {
        arr.push_back(convert(item, pointer + "/" + std::to_string(i++), doc, guard));
      }
      guard.leave();
      return arr;
    }
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") return node.Scalar();  // quoted: always a string
      {
        nlohmann::json value = resolve_plain_scalar(node.Scalar());
        if (!value.is_string()) doc.plain_text[pointer] = node.Scalar();
        return value;
      }
    default:
      return nullptr;
  }
}

}  // namespace

std::string json_pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

int YamlDocument::line_of(const std::string& pointer) const {
  std::string p = pointer;
  while (true) {
    if (auto it = lines.find(p); it != lines.end()) return it->second;
    if (p.empty()) return 1;
    p.erase(p.rfind('/'));
  }
}

YamlDocument parse_yaml(const std::string& text, const std::string& name) {
  YamlDocument doc;
  doc.name = name;
  try {
    YAML::Node root = YAML::Load(text);
    YamlAliasGuard guard;
    doc.root = convert(root, "", doc, guard);
  } catch (const YAML::Exception& e) {
    throw YamlSyntaxError(name, e.mark.line + 1,
                          "error parsing YAML: " + e.msg + " (column " +
                         std::to_string(e.mark.column + 1) + ")");
  }
  return doc;
}

YamlDocument load_yaml_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string(), "cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_yaml(text.str(), file.string());
}

}  // namespace spackext
