#include "tcl_writer.hpp"

#include <map>

#include <spackext/templates.hpp>

#include <spackext/errors.hpp>

namespace spackext::tcl {

namespace {

// A Tcl word: braces keep it literal unless it holds unbalanced braces or a
// backslash, which need escaping instead.
std::string tcl_word(const std::string& text) {
  int depth = 0;
  bool plain = text.find('\\') == std::string::npos;
  for (char c : text) {
    if (c == '{') ++depth;
    if (c == '}' && --depth < 0) plain = false;
  }
  if (plain && depth == 0) return "{" + text + "}";
  std::string out;
  for (char c : text) {
    if (std::string("\\{}[]$\" ;").find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::vector<ModuleFile> TclWriter::render(const ModuleRequest& request) {
  const auto& config = request.config;
  const bool arch_folder = config.value("_arch_folder", true);
  const bool relocatable = !request.prefix_variable.empty();

  std::map<std::string, std::string> use_names;
  std::vector<ModuleFile> files;
  for (const auto& entry : request.modules) {
    const auto& spec = *entry.spec;
    ModuleFile file;
    file.hash = spec.hash;
    file.use_name = module_files::use_name(spec, config, "{name}/{version}-{compiler.name}-{compiler.version}");
    std::string arch = arch_folder ? spec.arch.platform + "-" + spec.arch.os + "-" + spec.arch.target + "/" : "";
    file.relative_path = arch + file.use_name;
    use_names[spec.hash] = file.use_name;
    files.push_back(std::move(file));
  }
  module_files::check_unique_paths(files, *request.specs);

  // Relocatable paths are "$install_root/<relative>" (a double-quoted Tcl
  // word, so the variable is substituted and the rest is escaped).
  auto value_of = [&](const EnvironmentChange& c) {
    if (!relocatable || !c.in_install_tree) return tcl_word(c.value);
    std::string rel = c.value.substr(request.install_root.size());
    std::string out = "\"$install_root";
    for (char ch : rel) {
      if (std::string("\\[]$\"").find(ch) != std::string::npos) out += '\\';
      out += ch;
    }
    return out + "\"";
  };
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& entry = request.modules[i];
    nlohmann::json d = module_files::base_context(entry, request, use_names);
    auto env = nlohmann::json::array();
    using Kind = EnvironmentChange::Kind;
    for (const auto& c : entry.environment) {
      std::string line;
      std::string sep = c.separator == ":" ? "" : " --delim " + tcl_word(c.separator);
      switch (c.kind) {
        case Kind::set: line = "setenv " + c.name + " " + value_of(c); break;
        case Kind::unset: line = "unsetenv " + c.name; break;
        case Kind::prepend_path: line = "prepend-path" + sep + " " + c.name + " " + value_of(c); break;
        case Kind::append_path: line = "append-path" + sep + " " + c.name + " " + value_of(c); break;
        case Kind::remove_path: line = "remove-path" + sep + " " + c.name + " " + value_of(c); break;
      }
      env.push_back(line);
    }
    d["environment"] = env;
    files[i].content = render_template(template_, d, "tcl module template");
  }
  return files;
}

}  // namespace spackext::tcl
