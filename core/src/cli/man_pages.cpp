// Man pages, written from the same command models as --help: spack-ext(1)
// lists every command; spack-ext-CMD(1) describes one command, each of its
// subcommands and their options. The build runs `spack-ext __man DIR` over
// the in-tree plugins; packages install the result.
#include <ctime>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "cli/builtin_commands.hpp"
#include "cli/command_line.hpp"
#include "spackext/errors.hpp"
#include "spackext/version.hpp"

namespace spackext::core {
namespace {

namespace fs = std::filesystem;

// Text for roff: backslashes and dashes escaped, no line starting with a
// control character.
std::string roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
    line_start = c == '\n';
  }
  return out;
}

std::string header(const std::string& title, const std::string& name, const std::string& summary) {
  std::ostringstream s;
  s << ".TH " << title << " 1 \"\" \"spack-ext " << release_version() << "\" \"spack-ext manual\"\n"
    << ".SH NAME\n" << roff(name) << " \\- " << roff(summary) << "\n";
  return s.str();
}

void describe_options(std::ostream& out, const std::vector<const OptionSpec*>& options) {
  for (const auto* o : options) {
    out << ".TP\n.B " << roff(o->synopsis()) << "\n";
    std::string text = o->description;
    if (!o->choices.empty()) {
      text += " One of:";
      for (const auto& c : o->choices) text += " " + c;
      text += ".";
    }
    if (o->default_value) text += " Default: " + *o->default_value + ".";
    if (o->required) text += " Required.";
    if (o->multiple) text += " May be repeated.";
    out << roff(text) << "\n";
  }
}

// One level and, below it, every subcommand (depth first).
void describe_level(std::ostream& out, ResolvedCommand& resolved, bool top) {
  const CommandSpec& leaf = resolved.leaf();
  if (!top) out << ".SS " << roff(resolved.path()) << "\n" << roff(leaf.description) << "\n";
  if (!leaf.has_subcommands()) {
    std::string usage = command_usage(resolved);
    out << ".PP\n.B " << roff(usage.substr(usage.find(' ') + 1)) << "\n";
    for (const auto& p : leaf.positionals)
      out << ".TP\n.I " << roff(p.name) << "\n" << roff(p.description) << "\n";
    std::vector<const OptionSpec*> own;
    for (const auto& o : leaf.options) own.push_back(&o);
    describe_options(out, own);
  }
  for (const auto& s : leaf.subcommands) {
    resolved.chain.push_back(&s);
    describe_level(out, resolved, false);
    resolved.chain.pop_back();
  }
}

std::string command_page(const KnownCommand& c) {
  std::ostringstream out;
  const std::string page = "spack-ext-" + c.spec.name;
  std::string title = page;
  for (auto& ch : title) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  out << header(title, page, c.spec.description);
  ResolvedCommand resolved;
  resolved.chain.push_back(&c.spec);
  out << ".SH SYNOPSIS\n.B spack\\-ext " << roff(c.spec.name)
      << (c.spec.has_subcommands() ? " \\fIsubcommand\\fR [\\fIoptions\\fR]\n" : " [\\fIoptions\\fR]\n");
  out << ".SH DESCRIPTION\n" << roff(c.spec.description) << "\n";
  if (!c.spec.default_subcommand.empty())
    out << ".PP\nWhen the first word after the command is an option, the subcommand is \\fB"
        << roff(c.spec.default_subcommand) << "\\fR.\n";
  if (!c.spec.options.empty()) {
    out << ".SH OPTIONS\n";
    std::vector<const OptionSpec*> own;
    for (const auto& o : c.spec.options) own.push_back(&o);
    describe_options(out, own);
  }
  if (c.spec.has_subcommands()) out << ".SH SUBCOMMANDS\n";
  describe_level(out, resolved, true);
  out << ".SH EXIT STATUS\n0 on success, 1 on failure, 2 for a usage or input error.\n"
      << ".SH SEE ALSO\n.BR spack\\-ext (1)\n.PP\nProvided by " << roff(c.provider) << ".\n";
  return out.str();
}

std::string main_page(const std::vector<KnownCommand>& commands) {
  std::ostringstream out;
  out << header("SPACK-EXT", "spack-ext", "plugin-based extensions for the Spack package manager")
      << ".SH SYNOPSIS\n.B spack\\-ext\n[\\fIglobal options\\fR] \\fIcommand\\fR [\\fIsubcommand\\fR] [\\fIoptions\\fR]\n"
      << ".SH DESCRIPTION\nA small host that finds versioned plugins, checks them without running them, loads only "
         "what a command needs, and wires them through a service registry and an event bus.\n"
      << ".SH GLOBAL OPTIONS\n.nf\n" << roff(global_options_help()) << ".fi\n"
      << ".SH COMMANDS\n";
  for (const auto& c : commands) {
    if (c.spec.name.rfind("__", 0) == 0) continue;
    out << ".TP\n.BR spack\\-ext\\-" << roff(c.spec.name) << " (1)\n" << roff(c.spec.description) << "\n";
  }
  out << ".SH ENVIRONMENT\n.TP\n.B SPACK_EXT_PLUGIN_PATH\nExtra plugin folders, searched after \\-\\-plugin\\-path.\n"
      << ".TP\n.B SPACK_EXT_<KEY>[__<SUBKEY>]\nConfiguration values (highest scope).\n"
      << ".SH EXIT STATUS\n0 on success, 1 on failure, 2 for a usage or input error.\n";
  return out.str();
}

void write_atomically(const fs::path& path, const std::string& text) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f.flush()) throw Error("cannot write " + tmp.string());
  }
  fs::rename(tmp, path);
}

}  // namespace

// `spack-ext __man DIR`: writes spack-ext.1 and one page per command.
int run_man(Host& host, const std::vector<std::string>& args, std::ostream& out) {
  if (args.size() != 1) throw UsageError("usage: spack-ext __man DIR");
  const fs::path dir = args[0];
  fs::create_directories(dir);
  auto commands = known_commands(host);
  write_atomically(dir / "spack-ext.1", main_page(commands));
  std::size_t written = 1;
  for (const auto& c : commands) {
    if (c.spec.name.rfind("__", 0) == 0) continue;
    write_atomically(dir / ("spack-ext-" + c.spec.name + ".1"), command_page(c));
    ++written;
  }
  out << written << " man pages written to " << dir.string() << "\n";
  return kExitOk;
}

}  // namespace spackext::core
