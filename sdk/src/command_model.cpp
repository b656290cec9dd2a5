#include "spackext/command_model.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>
#include <stdexcept>

#include <boost/program_options.hpp>

#include "spackext/errors.hpp"
#include "spackext/suggest.hpp"

namespace spackext {
namespace {

namespace po = boost::program_options;
using nlohmann::json;

// The hidden program_options name positionals are collected under.
constexpr const char* kPositionalKey = "\x01positionals";

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw std::invalid_argument(where + what);
}

std::string string_field(const json& j, const char* key, const std::string& where, bool required) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) bad(where, std::string("missing required field '") + key + "'");
    return {};
  }
  if (!it->is_string()) bad(where, std::string("field '") + key + "' must be a string");
  return it->get<std::string>();
}

bool bool_field(const json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) return false;
  if (!it->is_boolean()) bad(where, std::string("field '") + key + "' must be true or false");
  return it->get<bool>();
}

std::vector<std::string> strings_field(const json& j, const char* key, const std::string& where) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (!it->is_array()) bad(where, std::string("field '") + key + "' must be a list of strings");
  for (const auto& s : *it) {
    if (!s.is_string()) bad(where, std::string("field '") + key + "' must be a list of strings");
    out.push_back(s.get<std::string>());
  }
  return out;
}

const json* array_field(const json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) return nullptr;
  if (!it->is_array()) bad(where, std::string("field '") + key + "' must be a list");
  return &*it;
}

bool valid_word(const std::string& s) {
  return !s.empty() && s[0] != '-' &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                  c == '_' || c == '.';
         });
}

OptionSpec option_from_json(const json& j, const std::string& where) {
  if (!j.is_object()) bad(where, "must be an object");
  OptionSpec o;
  o.name = string_field(j, "name", where, true);
  if (!valid_word(o.name) || o.name == "help")
    bad(where, "option name '" + o.name + "' must be a word without leading dashes (and not 'help')");
  const std::string at = where + "option '" + o.name + "': ";
  std::string s = string_field(j, "short", at, false);
  if (!s.empty()) {
    if (s.size() != 1 || !std::isalnum(static_cast<unsigned char>(s[0])) || s == "h")
      bad(at, "'short' must be one letter or digit other than 'h'");
    o.short_name = s[0];
  }
  o.value = string_field(j, "value", at, false);
  o.description = string_field(j, "description", at, false);
  o.required = bool_field(j, "required", at);
  o.multiple = bool_field(j, "multiple", at);
  o.choices = strings_field(j, "choices", at);
  if (auto it = j.find("default"); it != j.end()) {
    if (it->is_string()) o.default_value = it->get<std::string>();
    else if (it->is_number_integer()) o.default_value = std::to_string(it->get<long long>());
    else bad(at, "'default' must be a string or an integer");
  }
  if (o.is_flag() && (o.default_value || !o.choices.empty() || o.multiple))
    bad(at, "a flag (no 'value') takes no 'default', 'choices' or 'multiple'");
  if (o.default_value && !o.choices.empty() &&
      std::find(o.choices.begin(), o.choices.end(), *o.default_value) == o.choices.end())
    bad(at, "'default' is not one of 'choices'");
  return o;
}

PositionalSpec positional_from_json(const json& j, const std::string& where) {
  if (!j.is_object()) bad(where, "must be an object");
  PositionalSpec p;
  p.name = string_field(j, "name", where, true);
  if (p.name.empty()) bad(where, "positional 'name' must not be empty");
  p.description = string_field(j, "description", where, false);
  p.required = bool_field(j, "required", where);
  p.multiple = bool_field(j, "multiple", where);
  return p;
}

json option_to_json(const OptionSpec& o) {
  json j{{"name", o.name}};
  if (o.short_name) j["short"] = std::string(1, o.short_name);
  if (!o.value.empty()) j["value"] = o.value;
  if (!o.description.empty()) j["description"] = o.description;
  if (o.required) j["required"] = true;
  if (o.multiple) j["multiple"] = true;
  if (o.default_value) j["default"] = *o.default_value;
  if (!o.choices.empty()) j["choices"] = o.choices;
  return j;
}

// Each level's usage line: "spack-ext deploy status [options] [ID]".
std::string positional_synopsis(const CommandSpec& leaf) {
  std::string out;
  for (const auto& p : leaf.positionals) {
    std::string w = p.name + (p.multiple ? "..." : "");
    out += " " + (p.required ? w : "[" + w + "]");
  }
  return out;
}

std::string wrap_row(const std::string& left, const std::string& right, std::size_t width) {
  std::string row = "  " + left;
  if (right.empty()) return row + "\n";
  if (left.size() > width) return row + "\n" + std::string(width + 4, ' ') + right + "\n";
  row.resize(width + 4, ' ');
  return row + right + "\n";
}

bool is_help_word(const std::string& w) { return w == "-h" || w == "--help"; }

}  // namespace

std::string OptionSpec::synopsis() const {
  std::string s = short_name ? std::string("-") + short_name + ", " : std::string();
  s += "--" + name;
  if (!value.empty()) s += " " + value;
  return s;
}

CommandSpec CommandSpec::from_json(const json& j, const std::string& where) {
  if (!j.is_object()) bad(where, "must be an object");
  CommandSpec c;
  c.name = string_field(j, "name", where, true);
  if (!valid_word(c.name)) bad(where, "name '" + c.name + "' must be a word of [A-Za-z0-9._-]");
  const std::string at = where + "'" + c.name + "': ";
  c.description = string_field(j, "description", at, false);
  c.aliases = strings_field(j, "aliases", at);
  c.default_subcommand = string_field(j, "default_subcommand", at, false);
  if (const json* opts = array_field(j, "options", at))
    for (std::size_t i = 0; i < opts->size(); ++i)
      c.options.push_back(option_from_json((*opts)[i], at + "options[" + std::to_string(i) + "]: "));
  if (const json* pos = array_field(j, "positionals", at))
    for (std::size_t i = 0; i < pos->size(); ++i)
      c.positionals.push_back(positional_from_json((*pos)[i], at + "positionals[" + std::to_string(i) + "]: "));
  if (const json* subs = array_field(j, "subcommands", at))
    for (std::size_t i = 0; i < subs->size(); ++i)
      c.subcommands.push_back(from_json((*subs)[i], at + "subcommands[" + std::to_string(i) + "]: "));

  for (std::size_t i = 0; i + 1 < c.positionals.size(); ++i)
    if (c.positionals[i].multiple) bad(at, "only the last positional may be 'multiple'");
  bool optional_seen = false;
  for (const auto& p : c.positionals) {
    if (p.required && optional_seen) bad(at, "a required positional cannot follow an optional one");
    optional_seen = optional_seen || !p.required;
  }
  std::set<std::string> seen;
  for (const auto& o : c.options) {
    if (!seen.insert(o.name).second) bad(at, "option '" + o.name + "' is declared twice");
    if (o.short_name && !seen.insert(std::string("-") + o.short_name).second)
      bad(at, std::string("short option '-") + o.short_name + "' is declared twice");
  }
  std::set<std::string> words;
  for (const auto& s : c.subcommands) {
    if (!words.insert(s.name).second) bad(at, "subcommand '" + s.name + "' is declared twice");
    for (const auto& a : s.aliases)
      if (!words.insert(a).second) bad(at, "alias '" + a + "' of '" + s.name + "' is already a subcommand");
  }
  if (!c.default_subcommand.empty() && !c.find_subcommand(c.default_subcommand))
    bad(at, "default_subcommand '" + c.default_subcommand + "' is not one of its subcommands");
  if (!c.subcommands.empty() && !c.positionals.empty())
    bad(at, "a command with subcommands takes no positionals of its own");
  return c;
}

json CommandSpec::to_json() const {
  json j{{"name", name}};
  if (!description.empty()) j["description"] = description;
  if (!aliases.empty()) j["aliases"] = aliases;
  if (!default_subcommand.empty()) j["default_subcommand"] = default_subcommand;
  if (!options.empty()) {
    j["options"] = json::array();
    for (const auto& o : options) j["options"].push_back(option_to_json(o));
  }
  if (!positionals.empty()) {
    j["positionals"] = json::array();
    for (const auto& p : positionals) {
      json pj{{"name", p.name}};
      if (!p.description.empty()) pj["description"] = p.description;
      if (p.required) pj["required"] = true;
      if (p.multiple) pj["multiple"] = true;
      j["positionals"].push_back(std::move(pj));
    }
  }
  if (!subcommands.empty()) {
    j["subcommands"] = json::array();
    for (const auto& s : subcommands) j["subcommands"].push_back(s.to_json());
  }
  return j;
}

const CommandSpec* CommandSpec::find_subcommand(std::string_view word) const {
  for (const auto& s : subcommands) {
    if (s.name == word) return &s;
    if (std::find(s.aliases.begin(), s.aliases.end(), word) != s.aliases.end()) return &s;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------

bool ParsedArgs::has(std::string_view option) const {
  return given(option) || defaults_.count(option) > 0;
}

bool ParsedArgs::given(std::string_view option) const {
  return flags_.count(option) > 0 || values_.count(option) > 0;
}

std::string ParsedArgs::get(std::string_view option, std::string_view fallback) const {
  if (auto it = values_.find(option); it != values_.end() && !it->second.empty()) return it->second.back();
  if (auto it = defaults_.find(option); it != defaults_.end()) return it->second;
  return std::string(fallback);
}

std::vector<std::string> ParsedArgs::all(std::string_view option) const {
  if (auto it = values_.find(option); it != values_.end()) return it->second;
  if (auto it = defaults_.find(option); it != defaults_.end()) return {it->second};
  return {};
}

long ParsedArgs::integer(std::string_view option, long fallback) const {
  if (!has(option)) return fallback;
  const std::string text = get(option);
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    throw UsageError("--" + std::string(option) + " expects an integer, got '" + text + "'\n" + usage_);
  return value;
}

std::string ParsedArgs::positional(std::size_t index, std::string_view fallback) const {
  return index < positionals_.size() ? positionals_[index] : std::string(fallback);
}

std::string ResolvedCommand::path() const {
  std::string out;
  for (const auto* c : chain) out += (out.empty() ? "" : " ") + c->name;
  return out;
}

// ---------------------------------------------------------------------------

ResolvedCommand resolve_command(const CommandSpec& command, const std::vector<std::string>& words) {
  ResolvedCommand r;
  r.chain.push_back(&command);
  for (const auto& w : words) {
    if (w == "--") break;
    if (is_help_word(w)) r.help = true;
  }
  std::size_t i = 0;
  while (r.leaf().has_subcommands()) {
    const CommandSpec& level = r.leaf();
    // Help words say nothing about which subcommand is meant: skip them.
    while (i < words.size() && is_help_word(words[i])) ++i;
    if (i == words.size()) {
      if (r.help) break;
      std::string names;
      for (const auto& s : level.subcommands) names += (names.empty() ? "" : ", ") + s.name;
      throw UsageError("'" + r.path() + "' needs a subcommand: " + names + "\n" + command_usage(r) +
                       "\nRun 'spack-ext " + r.path() + " --help' for details.");
    }
    const std::string& word = words[i];
    if (!word.empty() && word[0] == '-') {
      if (!level.default_subcommand.empty()) {
        r.chain.push_back(level.find_subcommand(level.default_subcommand));
        continue;
      }
      if (r.help) break;
      throw UsageError("'" + r.path() + "' needs a subcommand before '" + word + "'\n" + command_usage(r) +
                       "\nRun 'spack-ext " + r.path() + " --help' for details.");
    }
    const CommandSpec* next = level.find_subcommand(word);
    if (!next) {
      if (r.help) break;
      std::vector<std::string> known;
      for (const auto& s : level.subcommands) known.push_back(s.name);
      const std::string hint = closest_name(word, known, /*max_distance=*/2);
      throw UsageError("unknown subcommand '" + word + "' of '" + r.path() + "'" +
                       (hint.empty() ? "" : "; did you mean '" + hint + "'?") + "\n" + command_usage(r) +
                       "\nRun 'spack-ext " + r.path() + " --help' for details.");
    }
    r.chain.push_back(next);
    ++i;
  }
  r.rest.assign(words.begin() + static_cast<std::ptrdiff_t>(std::min(i, words.size())), words.end());
  return r;
}

std::vector<const OptionSpec*> effective_options(const ResolvedCommand& resolved) {
  std::vector<const OptionSpec*> out;
  // The leaf's own options first, then inherited ones it does not redefine.
  for (auto it = resolved.chain.rbegin(); it != resolved.chain.rend(); ++it)
    for (const auto& o : (*it)->options)
      if (std::none_of(out.begin(), out.end(), [&](auto* x) { return x->name == o.name; })) out.push_back(&o);
  return out;
}

std::string command_usage(const ResolvedCommand& resolved) {
  const CommandSpec& leaf = resolved.leaf();
  std::string line = "usage: spack-ext " + resolved.path();
  if (leaf.has_subcommands()) return line + " <subcommand> [options]";
  auto options = effective_options(resolved);
  for (const auto* o : options)
    if (o->required) line += " " + o->synopsis().substr(o->short_name ? 4 : 0);
  if (std::any_of(options.begin(), options.end(), [](auto* o) { return !o->required; })) line += " [options]";
  return line + positional_synopsis(leaf);
}

std::string command_help(const ResolvedCommand& resolved) {
  const CommandSpec& leaf = resolved.leaf();
  std::ostringstream out;
  out << command_usage(resolved) << "\n";
  if (!leaf.description.empty()) out << "\n" << leaf.description << "\n";
  if (!leaf.aliases.empty()) {
    out << "\nAliases:";
    for (const auto& a : leaf.aliases) out << " " << a;
    out << "\n";
  }
  if (leaf.has_subcommands()) {
    std::size_t width = 0;
    for (const auto& s : leaf.subcommands) width = std::max(width, s.name.size());
    out << "\nSubcommands:\n";
    for (const auto& s : leaf.subcommands)
      out << wrap_row(s.name, s.description + (s.name == leaf.default_subcommand ? " (default)" : ""), width);
  }
  if (!leaf.positionals.empty()) {
    std::size_t width = 0;
    for (const auto& p : leaf.positionals) width = std::max(width, p.name.size());
    out << "\nArguments:\n";
    for (const auto& p : leaf.positionals) out << wrap_row(p.name, p.description, width);
  }
  auto options = effective_options(resolved);
  std::size_t width = 10;  // "-h, --help"
  for (const auto* o : options) width = std::max(width, std::min<std::size_t>(o->synopsis().size(), 30));
  out << "\nOptions:\n";
  for (const auto* o : options) {
    std::string text = o->description;
    if (!o->choices.empty()) {
      text += text.empty() ? "one of: " : " (one of: ";
      for (std::size_t i = 0; i < o->choices.size(); ++i) text += (i ? ", " : "") + o->choices[i];
      if (!o->description.empty()) text += ")";
    }
    if (o->default_value) text += " [default: " + *o->default_value + "]";
    if (o->required) text += " (required)";
    if (o->multiple) text += " (repeatable)";
    out << wrap_row(o->synopsis(), text, width);
  }
  out << wrap_row("-h, --help", "show this help", width);
  if (leaf.has_subcommands())
    out << "\nRun 'spack-ext " << resolved.path() << " <subcommand> --help' for a subcommand's options.\n";
  return out.str();
}

ParsedArgs parse_command(const ResolvedCommand& resolved) {
  const CommandSpec& leaf = resolved.leaf();
  ParsedArgs parsed;
  parsed.modelled_ = true;
  parsed.usage_ = command_usage(resolved);
  for (std::size_t i = 1; i < resolved.chain.size(); ++i)
    parsed.subcommand_ += (parsed.subcommand_.empty() ? "" : " ") + resolved.chain[i]->name;

  const auto options = effective_options(resolved);
  po::options_description described;
  for (const auto* o : options) {
    std::string names = o->name + (o->short_name ? std::string(",") + o->short_name : std::string());
    // Values are collected as lists (composing), so "given twice" is our
    // error message rather than program_options' one.
    if (o->is_flag()) described.add_options()(names.c_str(), "");
    else described.add_options()(names.c_str(), po::value<std::vector<std::string>>()->composing());
  }
  described.add_options()(kPositionalKey, po::value<std::vector<std::string>>()->composing());
  po::positional_options_description positional;
  positional.add(kPositionalKey, -1);

  const std::string hint = "\n" + parsed.usage_ + "\nRun 'spack-ext " + resolved.path() + " --help' for details.";
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(resolved.rest)
                  .options(described)
                  .positional(positional)
                  .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing)
                  .run(),
              vm);
  } catch (const po::error& e) {
    throw UsageError(resolved.path() + ": " + e.what() + hint);
  }

  for (const auto* o : options) {
    auto it = vm.find(o->name);
    if (it == vm.end()) {
      if (o->required) throw UsageError(resolved.path() + ": the option '--" + o->name + "' is required" + hint);
      if (o->default_value) parsed.defaults_[o->name] = *o->default_value;
      continue;
    }
    if (o->is_flag()) {
      parsed.flags_.insert(o->name);
      continue;
    }
    auto values = it->second.as<std::vector<std::string>>();
    if (!o->multiple && values.size() > 1)
      throw UsageError(resolved.path() + ": the option '--" + o->name + "' is given more than once" + hint);
    for (const auto& v : values)
      if (!o->choices.empty() && std::find(o->choices.begin(), o->choices.end(), v) == o->choices.end()) {
        std::string list;
        for (const auto& c : o->choices) list += (list.empty() ? "" : ", ") + c;
        throw UsageError(resolved.path() + ": '" + v + "' is not a valid value for --" + o->name + " (expected one of: " +
                         list + ")" + hint);
      }
    parsed.values_[o->name] = std::move(values);
  }

  if (auto it = vm.find(kPositionalKey); it != vm.end())
    parsed.positionals_ = it->second.as<std::vector<std::string>>();
  const auto& declared = leaf.positionals;
  const bool open_ended = !declared.empty() && declared.back().multiple;
  if (!open_ended && parsed.positionals_.size() > declared.size()) {
    const std::string& extra = parsed.positionals_[declared.size()];
    throw UsageError(resolved.path() + ": unexpected argument '" + extra + "'" + hint);
  }
  for (std::size_t i = 0; i < declared.size(); ++i)
    if (declared[i].required && parsed.positionals_.size() <= i)
      throw UsageError(resolved.path() + ": missing " + declared[i].name + hint);
  return parsed;
}

}  // namespace spackext
