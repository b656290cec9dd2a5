#include "cli/dispatch.hpp"

#include <algorithm>
#include <iostream>

#include <spdlog/spdlog.h>

#include "cli/builtin_commands.hpp"
#include "cli/command_line.hpp"
#include "host.hpp"
#include "spackext/errors.hpp"
#include "spackext/services/command.hpp"
#include "spackext/suggest.hpp"

namespace spackext::core {
namespace {

[[noreturn]] void unknown_command(Host& host, const std::string& name) {
  std::vector<std::string> known;
  for (const auto& b : builtin_commands()) known.emplace_back(b.name);
  for (const auto& r : host.catalog().records())
    if (r.manifest)
      for (const auto& c : r.manifest->commands) known.push_back(c.name);
  // A plugin that declares the command but cannot be used explains itself.
  for (const auto& r : host.catalog().records())
    if (r.manifest && r.manifest->has_command(name) && !r.usable())
      throw Error("command '" + name + "' is provided by plugin '" + r.name() + "' (" + r.path.string() +
                  "), which cannot be used: " + std::string(to_string(r.state)) + ": " + r.reason);
  const std::string hint = closest_name(name, known, /*max_distance=*/2);
  throw UsageError("unknown command '" + name + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                   " (run 'spack-ext help')");
}

// A command's words against its model: --help is answered here, from the
// manifest, and so are usage errors; nothing is loaded for either. For a
// command whose manifest declares no options (`modelled` false) only help is
// answered and the plugin parses its own words.
struct Prepared {
  bool answered = false;  // help was printed
  ParsedArgs parsed;
};

Prepared prepare(const CommandSpec& spec, bool modelled, const std::vector<std::string>& args) {
  Prepared p;
  ResolvedCommand resolved;
  try {
    resolved = resolve_command(spec, args);
  } catch (const UsageError&) {
    if (modelled) throw;
    return p;  // the plugin reports its own usage errors
  }
  if (resolved.help) {
    std::cout << command_help(resolved);
    p.answered = true;
    return p;
  }
  if (modelled) p.parsed = parse_command(resolved);
  return p;
}

int run_plugin_provided(Host& host, const std::string& name, const std::vector<std::string>& args) {
  PluginRecord* provider = host.catalog().command_provider(name);
  if (!provider) unknown_command(host, name);
  const ManifestCommand* declared = nullptr;
  for (const auto& c : provider->manifest->commands)
    if (c.name == name) declared = &c;
  Prepared prepared = prepare(declared->spec(), declared->modelled, args);
  if (prepared.answered) return kExitOk;
  if (!host.loader().load(*provider))
    throw Error("command '" + name + "' is provided by plugin '" + provider->name() + "' (" +
                provider->path.string() + "), which failed: " + std::string(to_string(provider->state)) +
                ": " + provider->reason);
  auto command = host.registry().get<Command>(name);
  host.start_sinks();
  CommandInvocation invocation{name, args, host.output(), std::cout, std::cerr, prepared.parsed};
  int rc = command->run(invocation);
  std::cout.flush();
  return rc;
}

int run_builtin(Host& host, const CommandSpec& spec, const std::vector<std::string>& args) {
  // `help` takes any words (they name a command), and `plugin` still parses
  // its own words; both answer --help from the model like every command.
  const bool parses_itself = spec.name == "help" || spec.name == "plugin";
  Prepared prepared = prepare(spec, !parses_itself, args);
  if (prepared.answered) return kExitOk;
  if (spec.name == "help") return run_help(host, args, std::cout);
  if (spec.name == "plugin") return run_plugin_command(host, args, std::cout);
  if (spec.name == "completion") return run_completion(host, prepared.parsed, std::cout);
  std::cout << version_text() << "\n";  // "version"
  return kExitOk;
}

}  // namespace

int run_cli(int argc, const char* const* argv) {
  std::unique_ptr<Host> host;
  try {
    CommandLine cl = parse_command_line(argc, argv);
    if (cl.show_version) {
      std::cout << version_text() << "\n";
      return kExitOk;
    }
    host = std::make_unique<Host>(std::move(cl.host));
    if (cl.show_help || cl.words.empty()) {
      int rc = run_help(*host, {}, std::cout);
      return cl.words.empty() && !cl.show_help ? kExitUsage : rc;
    }
    const std::string name = cl.words.front();
    std::vector<std::string> args(cl.words.begin() + 1, cl.words.end());
    int rc;
    if (name == "__complete") rc = run_complete(*host, args, std::cout);
    else if (name == "__man") rc = run_man(*host, args, std::cout);
    else if (const CommandSpec* builtin = find_builtin(name)) rc = run_builtin(*host, *builtin, args);
    else rc = run_plugin_provided(*host, name, args);
    host->bus().flush();
    host->stop_sinks();
    return rc;
  } catch (const Error& e) {
    std::cout.flush();
    std::cerr << "error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "error: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace spackext::core
