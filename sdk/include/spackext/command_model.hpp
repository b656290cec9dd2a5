// The command model: a command describes its subcommands, positionals and
// options once, in its plugin's manifest (plugin.json), and the host does the
// rest from that one description: parsing (Boost.Program_options), `-h/--help`
// at every level, usage errors with the right usage, `help --json`, shell
// completion and man pages. The command itself receives `ParsedArgs`.
//
// plugin.json, for one command:
//   {"name": "deploy", "description": "...",
//    "default_subcommand": "run",        // used when the first word is an option
//    "options": [...],                   // accepted by every subcommand
//    "positionals": [...],               // for a command without subcommands
//    "subcommands": [{"name": "status", "description": "...", "aliases": ["st"],
//                     "positionals": [{"name": "ID", "description": "...", "required": false}],
//                     "options": [{"name": "deployment-id", "value": "ID", "description": "..."},
//                                 {"name": "json", ...}],
//                     "subcommands": [...nested...]}]}
// An option without "value" is a flag. "value" is its metavar; FILE, DIR and
// PATH complete as paths. Optional keys: "short" (one letter), "required",
// "multiple" (repeatable), "default", "choices" (list of strings). A
// positional may be "required" and the last one "multiple".
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace spackext {

struct OptionSpec {
  std::string name;         // long name without dashes ("dry-run")
  char short_name = 0;      // 'o' for -o, or 0
  std::string value;        // metavar ("FILE"); empty for a flag
  std::string description;
  bool required = false;
  bool multiple = false;
  std::optional<std::string> default_value;
  std::vector<std::string> choices;

  bool is_flag() const { return value.empty(); }
  // "-o, --output FILE"
  std::string synopsis() const;
};

struct PositionalSpec {
  std::string name;  // "ID"
  std::string description;
  bool required = false;
  bool multiple = false;
};

// A command, or one of its (possibly nested) subcommands.
struct CommandSpec {
  std::string name;
  std::string description;
  std::vector<std::string> aliases;
  std::string default_subcommand;
  std::vector<OptionSpec> options;
  std::vector<PositionalSpec> positionals;
  std::vector<CommandSpec> subcommands;

  // Parses and validates one command object of a manifest; `where` prefixes
  // errors (thrown as std::invalid_argument) with the field's location.
  static CommandSpec from_json(const nlohmann::json& j, const std::string& where);
  nlohmann::json to_json() const;

  const CommandSpec* find_subcommand(std::string_view word) const;  // by name or alias
  bool has_subcommands() const { return !subcommands.empty(); }
};

// What the host hands a command after parsing its words.
class ParsedArgs {
 public:
  ParsedArgs() = default;

  // The subcommand path: "status"; nested: "template create"; "" if none.
  const std::string& subcommand() const { return subcommand_; }
  // The flag or option was given, or the option has a default.
  bool has(std::string_view option) const;
  // The flag or option was given on the command line.
  bool given(std::string_view option) const;
  // The (last) value given, else the default, else `fallback`.
  std::string get(std::string_view option, std::string_view fallback = {}) const;
  // Every value of a repeatable option, in order (the default if none given).
  std::vector<std::string> all(std::string_view option) const;
  // The value as an integer; a UsageError naming the option if it is not one.
  long integer(std::string_view option, long fallback) const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  std::string positional(std::size_t index, std::string_view fallback = {}) const;
  // "usage: spack-ext deploy status [ID] [options]": for UsageErrors a command raises.
  const std::string& usage() const { return usage_; }
  // False when the command's manifest declares no model (the plugin parses
  // CommandInvocation::args itself).
  bool modelled() const { return modelled_; }

  // --- filled by the parser ---
  std::string subcommand_;
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::set<std::string, std::less<>> flags_;
  std::map<std::string, std::string, std::less<>> defaults_;
  std::vector<std::string> positionals_;
  std::string usage_;
  bool modelled_ = false;
};

// Where the words lead: the chain of specs from the command to the deepest
// subcommand named, and the words left for that level.
struct ResolvedCommand {
  std::vector<const CommandSpec*> chain;  // chain.front() is the command
  std::vector<std::string> rest;
  bool help = false;  // -h/--help was among the words (before "--")
  const CommandSpec& leaf() const { return *chain.back(); }
  std::string path() const;  // "deploy status"
};

// Follows subcommand names (and the default subcommand) through `words`.
// Throws UsageError for an unknown or missing subcommand, unless help was
// asked for, in which case it stops at the deepest level it could reach.
ResolvedCommand resolve_command(const CommandSpec& command, const std::vector<std::string>& words);

// Parses the words of a resolved command with Boost.Program_options. Throws
// UsageError (exit 2) with the leaf's usage for unknown options, missing
// values, missing required options or positionals, bad choices.
ParsedArgs parse_command(const ResolvedCommand& resolved);

// "usage: spack-ext deploy status [options] [ID]"
std::string command_usage(const ResolvedCommand& resolved);
// The whole --help text of the resolved level.
std::string command_help(const ResolvedCommand& resolved);
// Options the leaf accepts: its own and every ancestor's.
std::vector<const OptionSpec*> effective_options(const ResolvedCommand& resolved);

}  // namespace spackext
