#include "spackext/yaml_emitter.hpp"

#include <cmath>
#include <stdexcept>

namespace spackext {
namespace {

using Json = nlohmann::ordered_json;

bool digit(char c) { return c >= '0' && c <= '9'; }

// Words YAML 1.1 (yaml-cpp, PyYAML, Ruby) or 1.2 resolves to a bool or null.
// Checked for every string emitted: no allocation, at most five characters.
bool special_word(std::string_view s) {
  static constexpr std::string_view words[] = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
                                               ".inf", "-.inf", "+.inf", ".nan", "<<", "="};
  if (s.size() > 5) return false;
  char buf[5];
  for (std::size_t i = 0; i < s.size(); ++i) buf[i] = (s[i] >= 'A' && s[i] <= 'Z') ? static_cast<char>(s[i] + 32) : s[i];
  const std::string_view l(buf, s.size());
  for (auto w : words)
    if (l == w) return true;
  return false;
}

// Could a reader take it for a number (int, float, hex, octal, sexagesimal,
// a date)? Anything starting like one is quoted: cheap and safe.
bool number_like(std::string_view s) {
  std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i < s.size() && s[i] == '.') ++i;
  return i < s.size() && digit(s[i]);
}

bool plain_safe(std::string_view s) {
  if (s.empty() || special_word(s) || number_like(s)) return false;
  // Indicators that cannot start a plain scalar (a lone `-`, `?` or `:`
  // followed by a space starts a structure; quoted to be safe whatever follows).
  static constexpr std::string_view kIndicators = "-?:,[]{}#&*!|>'\"%@`";
  if (kIndicators.find(s.front()) != std::string_view::npos) return false;
  if (s.front() == ' ' || s.back() == ' ' || s.back() == ':') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;  // tabs and line breaks too
    if (c == ':' && i + 1 < s.size() && s[i + 1] == ' ') return false;
    if (c == '#' && s[i - 1] == ' ') return false;
  }
  return true;
}

std::string double_quoted(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

// A literal block reads back exactly when: lines hold no control characters
// or carriage returns, the first line does not start with a space (its
// indentation would be taken for the block's), no line is only whitespace
// (it could be read as an empty line) and at most one newline ends it
// (`|` clips to one, `|-` to none).
bool literal_safe(std::string_view s) {
  if (s.find('\n') == std::string_view::npos) return false;
  if (s.front() == ' ' || s.front() == '\t' || s.front() == '\n') return false;
  if (s.size() >= 2 && s[s.size() - 1] == '\n' && s[s.size() - 2] == '\n') return false;
  std::size_t line_start = 0;
  bool only_space = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n') {
      if (only_space && i > line_start) return false;
      line_start = i + 1;
      only_space = true;
      continue;
    }
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
    if (c != ' ' && c != '\t') only_space = false;
  }
  return !(only_space && s.size() > line_start);
}

void indent_to(std::string& out, int indent) { out.append(static_cast<std::size_t>(indent), ' '); }

void literal_block(std::string& out, std::string_view s, int indent) {
  out += s.back() == '\n' ? "|\n" : "|-\n";
  std::size_t start = 0;
  while (start < s.size()) {
    auto end = s.find('\n', start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) indent_to(out, indent);
    out.append(s.substr(start, end - start));
    out += '\n';
    start = end + 1;
  }
}

// A scalar after "key: " or "- "; `indent` is where a literal block's lines go.
void scalar(std::string& out, const Json& v, int indent) {
  switch (v.type()) {
    case Json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      if (literal_safe(s)) {
        literal_block(out, s, indent);
        return;
      }
      out += yaml_quote(s);
      break;
    }
    case Json::value_t::null: out += "null"; break;
    case Json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; break;
    case Json::value_t::number_float:
      if (!std::isfinite(v.get<double>())) throw std::invalid_argument("emit_yaml: a number is not finite");
      out += v.dump();
      break;
    case Json::value_t::object: out += "{}"; break;
    case Json::value_t::array: out += "[]"; break;
    default: out += v.dump();  // integers
  }
  out += '\n';
}

bool nested(const Json& v) { return (v.is_object() || v.is_array()) && !v.empty(); }

void sequence(std::string& out, const Json& seq, int indent, bool first_inline);

// A mapping whose keys start at column `indent`; with `first_inline` the
// first key continues the current line (after "- ").
void mapping(std::string& out, const Json& map, int indent, bool first_inline) {
  bool first = true;
  for (const auto& [key, value] : map.items()) {
    if (!(first && first_inline)) indent_to(out, indent);
    first = false;
    out += yaml_quote(key);
    out += ':';
    if (nested(value)) {
      out += '\n';
      if (value.is_object()) mapping(out, value, indent + 2, false);
      else sequence(out, value, indent + 2, false);
    } else {
      out += ' ';
      scalar(out, value, indent + 2);
    }
  }
}

void sequence(std::string& out, const Json& seq, int indent, bool first_inline) {
  bool first = true;
  for (const auto& item : seq) {
    if (!(first && first_inline)) indent_to(out, indent);
    first = false;
    out += "- ";
    if (nested(item)) {
      if (item.is_object()) mapping(out, item, indent + 2, true);
      else sequence(out, item, indent + 2, true);
    } else {
      scalar(out, item, indent + 2);
    }
  }
}

}  // namespace

std::string yaml_quote(std::string_view s) { return plain_safe(s) ? std::string(s) : double_quoted(s); }

std::string emit_yaml(const Json& document) {
  std::string out;
  out.reserve(4096);
  if (document.is_object() && !document.empty()) mapping(out, document, 0, false);
  else if (document.is_array() && !document.empty()) sequence(out, document, 0, false);
  else scalar(out, document, 2);
  return out;
}

}  // namespace spackext
