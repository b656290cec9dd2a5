#include "cli/dispatch.hpp"

#include <algorithm>
#include <iostream>

#include <spdlog/spdlog.h>

#include "cli/builtin_commands.hpp"
#include "cli/command_line.hpp"
#include "host.hpp"
#include "spackext/errors.hpp"
#include "spackext/services/command.hpp"

namespace spackext::core {
namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

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
  std::string hint;
  std::size_t best = 3;
  for (const auto& k : known)
    if (auto d = edit_distance(name, k); d < best) {
      best = d;
      hint = k;
    }
  throw UsageError("unknown command '" + name + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                   " (run 'spack-ext help')");
}

int run_plugin_provided(Host& host, const std::string& name, const std::vector<std::string>& args) {
  PluginRecord* provider = host.catalog().command_provider(name);
  if (!provider) unknown_command(host, name);
  if (!host.loader().load(*provider))
    throw Error("command '" + name + "' is provided by plugin '" + provider->name() + "' (" +
                provider->path.string() + "), which failed: " + std::string(to_string(provider->state)) +
                ": " + provider->reason);
  auto command = host.registry().get<Command>(name);
  CommandInvocation invocation{name, args, host.output(), std::cout, std::cerr};
  int rc = command->run(invocation);
  std::cout.flush();
  return rc;
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
    if (name == "help") rc = run_help(*host, args, std::cout);
    else if (name == "plugin") rc = run_plugin_command(*host, args, std::cout);
    else if (name == "version") {
      std::cout << version_text() << "\n";
      rc = kExitOk;
    } else rc = run_plugin_provided(*host, name, args);
    host->bus().flush();
    return rc;
  } catch (const Error& e) {
    std::cout.flush();
    std::cerr << (e.exit_code() == kExitUsage ? "error: " : "error: ") << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "error: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace spackext::core
