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

const std::vector<BuiltinCommand>& builtin_commands() {
  static const std::vector<BuiltinCommand> commands = {
      {"help", "show help for spack-ext or one command", {}},
      {"plugin", "inspect installed plugins; pack, install and verify signed plugin bundles",
       {{"list", "every plugin found, its state and what it provides"},
        {"info", "everything about one plugin (NAME)"},
        {"doctor", "explain every plugin that is not loaded, and why"},
        {"pack", "make a signed bundle: DIR --key FPR -o NAME.bundle [--gzip]"},
        {"install", "verify and install a bundle: BUNDLE [--user|--site] [--allow-unsigned]"},
        {"remove", "remove an installed bundle: NAME [--user|--site]"},
        {"verify", "re-check installed bundles against their signed manifests: [NAME]"},
        {"trust", "trusted publisher keys: add KEYFILE | list | remove FPR [--user|--site]"}}},
  };
  return commands;
}

std::string version_text() {
  return "spack-ext " + std::string(release_version()) + " (plugin API " + std::string(kApiVersion) +
         ", C++ ABI " + std::string(kAbiTag) + ")";
}

namespace {

struct HelpEntry {
  std::string name, description, provider;
  std::vector<std::pair<std::string, std::string>> subcommands;
};

std::vector<HelpEntry> all_commands(Host& host) {
  std::vector<HelpEntry> entries;
  std::set<std::string> names;
  for (const auto& b : builtin_commands()) {
    names.insert(b.name);
    HelpEntry e{b.name, b.description, "built in", {}};
    for (auto& [n, d] : b.subcommands) e.subcommands.emplace_back(n, d);
    entries.push_back(std::move(e));
  }
  for (const auto& r : host.catalog().records()) {
    if (!r.usable()) continue;
    for (const auto& c : r.manifest->commands) {
      if (host.catalog().command_provider(c.name) != &r) continue;  // a higher-priority provider wins
      if (!names.insert(c.name).second) continue;
      entries.push_back({c.name, c.description,
                         "plugin " + r.name() + " " + r.manifest->version.str(), c.subcommands});
    }
  }
  std::sort(entries.begin(), entries.end(), [](auto& a, auto& b) { return a.name < b.name; });
  return entries;
}

}  // namespace

int run_help(Host& host, const std::vector<std::string>& args, std::ostream& out) {
  auto entries = all_commands(host);
  const bool json = host.output().json;
  if (args.empty()) {
    if (json) {
      nlohmann::json j = nlohmann::json::array();
      for (auto& e : entries) {
        nlohmann::json subs = nlohmann::json::array();
        for (auto& [n, d] : e.subcommands) subs.push_back({{"name", n}, {"description", d}});
        j.push_back({{"name", e.name}, {"description", e.description}, {"provider", e.provider}, {"subcommands", subs}});
      }
      out << j.dump(2) << "\n";
      return kExitOk;
    }
    out << "usage: spack-ext [global options] <command> [<subcommand>] [options]\n\n"
        << global_options_help() << "\nCommands:\n";
    std::size_t width = 0;
    for (auto& e : entries) width = std::max(width, e.name.size());
    for (auto& e : entries)
      out << "  " << std::left << std::setw(static_cast<int>(width) + 2) << e.name << e.description << "\n";
    out << "\nRun 'spack-ext help <command>' for a command's subcommands.\n";
    return kExitOk;
  }
  const std::string& name = args.front();
  auto it = std::find_if(entries.begin(), entries.end(), [&](auto& e) { return e.name == name; });
  if (it == entries.end()) throw UsageError("no command named '" + name + "' (run 'spack-ext help' for the list)");
  if (json) {
    nlohmann::json subs = nlohmann::json::array();
    for (auto& [n, d] : it->subcommands) subs.push_back({{"name", n}, {"description", d}});
    out << nlohmann::json{{"name", it->name}, {"description", it->description},
                          {"provider", it->provider}, {"subcommands", subs}}.dump(2)
        << "\n";
    return kExitOk;
  }
  out << "spack-ext " << it->name << ": " << it->description << "\n";
  if (!it->subcommands.empty()) {
    out << "\nSubcommands:\n";
    std::size_t width = 0;
    for (auto& [n, d] : it->subcommands) width = std::max(width, n.size());
    for (auto& [n, d] : it->subcommands)
      out << "  " << std::left << std::setw(static_cast<int>(width) + 2) << n << d << "\n";
  }
  out << "\nProvided by: " << it->provider << "\n";
  return kExitOk;
}

}  // namespace spackext::core
