// `help`, and the table of commands the host knows (built in and from
// manifests) that help, dispatch and completion share.
#include <algorithm>
#include <iomanip>
#include <ostream>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/builtin_commands.hpp"
#include "cli/command_line.hpp"
#include "spackext/errors.hpp"
#include "spackext/version.hpp"

namespace spackext::core {
namespace {

// The built-in commands in the manifest's command-model form.
constexpr const char* kBuiltinModels = R"json([
  {"name": "help", "description": "Show help for spack-ext, a command or a subcommand",
   "positionals": [{"name": "COMMAND", "description": "a command and its subcommands", "multiple": true}]},
  {"name": "version", "description": "Show the version, the plugin API version and the C++ ABI tag", "options": []},
  {"name": "plugin", "description": "Inspect installed plugins",
   "subcommands": [
     {"name": "list", "description": "Every plugin found, its state and what it provides"},
     {"name": "info", "description": "Everything about one plugin",
      "positionals": [{"name": "NAME", "description": "the plugin's name", "required": true}]},
     {"name": "doctor", "description": "Explain every plugin that is not loaded, and why"}]},
  {"name": "completion", "description": "Print a shell completion script for every installed command",
   "subcommands": [
     {"name": "bash", "description": "bash completion (source it, or install it as /usr/share/bash-completion/completions/spack-ext)"},
     {"name": "zsh", "description": "zsh completion (bash completion through bashcompinit)"}]}
])json";

}  // namespace

const std::vector<CommandSpec>& builtin_commands() {
  static const std::vector<CommandSpec> commands = [] {
    std::vector<CommandSpec> out;
    for (const auto& j : nlohmann::json::parse(kBuiltinModels)) out.push_back(CommandSpec::from_json(j, "built-in "));
    return out;
  }();
  return commands;
}

const CommandSpec* find_builtin(std::string_view name) {
  for (const auto& c : builtin_commands())
    if (c.name == name) return &c;
  return nullptr;
}

std::string version_text() {
  return "spack-ext " + std::string(release_version()) + " (plugin API " + std::string(kApiVersion) +
         ", C++ ABI " + std::string(kAbiTag) + ")";
}

std::vector<KnownCommand> known_commands(Host& host) {
  std::vector<KnownCommand> entries;
  std::set<std::string> names;
  for (const auto& b : builtin_commands()) {
    names.insert(b.name);
    entries.push_back({b, "built in", true});
  }
  for (const auto& r : host.catalog().records()) {
    if (!r.usable()) continue;
    for (const auto& c : r.manifest->commands) {
      if (host.catalog().command_provider(c.name) != &r) continue;  // a higher-priority provider wins
      if (!names.insert(c.name).second) continue;
      entries.push_back({c.spec(), "plugin " + r.name() + " " + r.manifest->version.str(), c.modelled});
    }
  }
  std::sort(entries.begin(), entries.end(), [](auto& a, auto& b) { return a.spec.name < b.spec.name; });
  return entries;
}

int run_help(Host& host, const std::vector<std::string>& args, std::ostream& out) {
  auto entries = known_commands(host);
  const bool json = host.output().json;
  if (args.empty()) {
    if (json) {
      nlohmann::json j = nlohmann::json::array();
      for (auto& e : entries) {
        auto model = e.spec.to_json();
        model["provider"] = e.provider;
        j.push_back(std::move(model));
      }
      out << j.dump(2) << "\n";
      return kExitOk;
    }
    out << "usage: spack-ext [global options] <command> [<subcommand>] [options]\n\n"
        << global_options_help() << "\nCommands:\n";
    std::size_t width = 0;
    for (auto& e : entries) width = std::max(width, e.spec.name.size());
    for (auto& e : entries)
      out << "  " << std::left << std::setw(static_cast<int>(width) + 2) << e.spec.name << e.spec.description << "\n";
    out << "\nRun 'spack-ext help <command>' or 'spack-ext <command> --help' for a command's subcommands and options.\n";
    return kExitOk;
  }
  const std::string& name = args.front();
  auto it = std::find_if(entries.begin(), entries.end(), [&](auto& e) { return e.spec.name == name; });
  if (it == entries.end()) throw UsageError("no command named '" + name + "' (run 'spack-ext help' for the list)");
  // `help deploy status` is `deploy status --help`.
  std::vector<std::string> words(args.begin() + 1, args.end());
  words.push_back("--help");
  ResolvedCommand resolved = resolve_command(it->spec, words);
  if (resolved.chain.size() < args.size())
    throw UsageError("'" + resolved.path() + "' has no subcommand '" + args[resolved.chain.size()] + "'");
  if (json) {
    auto model = resolved.leaf().to_json();
    model["command"] = resolved.path();
    model["usage"] = command_usage(resolved);
    model["provider"] = it->provider;
    out << model.dump(2) << "\n";
    return kExitOk;
  }
  out << command_help(resolved);
  if (resolved.chain.size() == 1) out << "\nProvided by: " << it->provider << "\n";
  return kExitOk;
}

}  // namespace spackext::core
