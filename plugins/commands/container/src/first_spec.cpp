#include "first_spec.hpp"

#include <cctype>

namespace spackext::container {

namespace {

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

// "@1.2", "@=1.2" -> "1.2"; "@1.2:", "@1.2,1.4" -> "" (not one version).
std::string exact_version(const std::string& text, std::size_t at) {
  std::size_t i = at + 1;
  if (i < text.size() && text[i] == '=') ++i;
  std::size_t end = i;
  while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '+' &&
         text[end] != '~' && text[end] != '%' && text[end] != '^' && text[end] != '@')
    ++end;
  std::string v = text.substr(i, end - i);
  if (v.empty() || v.find_first_of(":,") != std::string::npos) return {};
  return v;
}

}  // namespace

std::optional<SpecHead> parse_spec_head(const std::string& spec) {
  std::size_t i = 0;
  while (i < spec.size() && std::isspace(static_cast<unsigned char>(spec[i]))) ++i;
  std::size_t start = i;
  while (i < spec.size() && name_char(spec[i])) ++i;
  if (i == start || !std::isalnum(static_cast<unsigned char>(spec[start]))) return std::nullopt;
  SpecHead head;
  head.name = spec.substr(start, i - start);
  // A namespaced name (builtin.zlib): the package is the last part.
  if (auto dot = head.name.rfind('.'); dot != std::string::npos) head.name = head.name.substr(dot + 1);
  // The root's own version comes before any dependency (^ or %).
  std::size_t deps = spec.find_first_of("^%", i);
  std::size_t at = spec.find('@', i);
  if (at != std::string::npos && at < deps) head.version = exact_version(spec, at);
  return head;
}

std::string required_version(const YAML::Node& packages, const std::string& name) {
  if (!packages || !packages.IsMap() || !packages[name] || !packages[name].IsMap()) return {};
  YAML::Node require = packages[name]["require"];
  std::string text;
  if (require && require.IsScalar()) text = require.as<std::string>();
  else if (require && require.IsSequence() && require.size() > 0 && require[0].IsScalar())
    text = require[0].as<std::string>();
  auto at = text.find('@');
  return at == std::string::npos ? std::string() : exact_version(text, at);
}

}  // namespace spackext::container
