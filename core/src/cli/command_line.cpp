#include "cli/command_line.hpp"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include <boost/program_options.hpp>

#include "spackext/errors.hpp"

namespace spackext::core {
namespace po = boost::program_options;

namespace {

po::options_description global_options() {
  po::options_description d("Global options");
  d.add_options()
      ("help,h", "show help and exit")
      ("version", "show the version and exit")
      ("verbose,v", "more log output (repeat for more)")
      ("quiet,q", "only warnings and errors")
      ("json", "machine-readable output on stdout (logs stay on stderr)")
      ("no-color", "no colour in output")
      ("config", po::value<std::string>()->value_name("FILE"), "configuration file (highest file scope)")
      ("plugin-path", po::value<std::vector<std::string>>()->value_name("DIR"),
       "search DIR for plugins first (repeatable; ':'-separated lists allowed)")
      ("events", po::value<std::string>()->value_name("FILE"), "append every event as a JSON line to FILE")
      ("allow-insecure-plugins", "load plugins even from files or folders others can write")
      ("no-plugin-cache", "read every plugin manifest from its file");
  return d;
}

bool takes_value(const std::string& token) {
  return token == "--config" || token == "--plugin-path" || token == "--events";
}

// The switches accepted after the command; true if `token` was one.
bool apply_output_switch(const std::string& token, OutputOptions& out) {
  if (token == "--json") return out.json = true;
  if (token == "--quiet" || token == "-q") return out.quiet = true;
  if (token == "--no-color") {
    out.color = false;
    return true;
  }
  if (token == "--verbose") {
    ++out.verbosity;
    return true;
  }
  if (token.size() >= 2 && token[0] == '-' && token[1] == 'v' &&
      token.find_first_not_of('v', 1) == std::string::npos) {
    out.verbosity += static_cast<int>(token.size() - 1);
    return true;
  }
  return false;
}

}  // namespace

std::string global_options_help() {
  std::ostringstream s;
  s << global_options();
  return s.str();
}

CommandLine parse_command_line(int argc, const char* const* argv) {
  CommandLine cl;
  std::vector<std::string> tokens(argv + 1, argv + argc);

  // Split: global options, then the command and its words.
  std::size_t i = 0;
  std::vector<std::string> head;
  while (i < tokens.size()) {
    const std::string& t = tokens[i];
    if (t == "--") {
      ++i;
      break;
    }
    if (t.size() < 2 || t[0] != '-') break;
    head.push_back(t);
    if (takes_value(t)) {
      if (i + 1 >= tokens.size()) throw UsageError("option '" + t + "' needs a value");
      head.push_back(tokens[++i]);
    }
    ++i;
  }
  // -vv is -v -v for Program_options.
  std::vector<std::string> expanded;
  for (const auto& t : head) {
    if (t.size() > 2 && t[0] == '-' && t[1] == 'v' && t.find_first_not_of('v', 1) == std::string::npos)
      expanded.insert(expanded.end(), t.size() - 1, "-v");
    else
      expanded.push_back(t);
  }

  po::parsed_options parsed(nullptr);
  try {
    parsed = po::command_line_parser(expanded).options(global_options()).run();
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + " (see 'spack-ext help')");
  }
  OutputOptions& out = cl.host.output;
  for (const auto& opt : parsed.options) {
    const std::string& key = opt.string_key;
    auto value = [&] { return opt.value.empty() ? std::string() : opt.value.front(); };
    if (key == "help") cl.show_help = true;
    else if (key == "version") cl.show_version = true;
    else if (key == "verbose") ++out.verbosity;
    else if (key == "quiet") out.quiet = true;
    else if (key == "json") out.json = true;
    else if (key == "no-color") out.color = false;
    else if (key == "config") cl.host.config_file = value();
    else if (key == "plugin-path") cl.host.plugin_paths.emplace_back(value());
    else if (key == "events") cl.host.events_file = value();
    else if (key == "allow-insecure-plugins") cl.host.allow_insecure_plugins = true;
    else if (key == "no-plugin-cache") cl.host.no_plugin_cache = true;
  }

  // The command's words; output switches are taken out of them, up to "--".
  bool passthrough = false;
  for (; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (!passthrough && t == "--") {
      passthrough = true;
      cl.words.push_back(t);
      continue;
    }
    if (!passthrough && apply_output_switch(t, out)) continue;
    cl.words.push_back(t);
  }

  const bool tty = ::isatty(STDERR_FILENO) == 1;
  out.interactive = tty;
  const char* no_color = std::getenv("NO_COLOR");
  if (!tty || (no_color && *no_color)) out.color = false;
  return cl;
}

}  // namespace spackext::core
