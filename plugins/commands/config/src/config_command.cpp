#include "config_command.hpp"

#include <ostream>

#include "scope_validator.hpp"
#include "site_generator.hpp"
#include "spackext/errors.hpp"
#include "template_store.hpp"

namespace spackext::config {

namespace fs = std::filesystem;
using json = nlohmann::json;

// The words were parsed by the host against "commands" in plugin.json.
int ConfigCommand::run(const CommandInvocation& inv) {
  const std::string& sub = inv.parsed.subcommand();
  if (sub == "validate") return validate(inv, inv.parsed);
  if (sub == "generate") return generate(inv, inv.parsed);
  return templates(inv, inv.parsed);
}

int ConfigCommand::validate(const CommandInvocation& inv, const ParsedArgs& args) {
  ScopeValidator validator;
  std::vector<ValidationIssue> issues;
  for (const auto& p : args.positionals()) {
    auto found = fs::is_directory(p) ? validator.validate_scope(p) : validator.validate_file(p);
    issues.insert(issues.end(), found.begin(), found.end());
  }
  if (inv.output.json) {
    json list = json::array();
    for (const auto& i : issues) {
      list.push_back({{"file", i.file}, {"line", i.line}, {"key", i.key}, {"message", i.message}});
    }
    inv.out << json{{"valid", issues.empty()}, {"issues", list}}.dump(2) << "\n";
  } else {
    for (const auto& i : issues) inv.err << i.to_string() << "\n";
    if (issues.empty()) inv.out << "valid\n";
  }
  return issues.empty() ? kExitOk : kExitUsage;
}

int ConfigCommand::generate(const CommandInvocation& inv, const ParsedArgs& args) {
  GenerateRequest r;
  r.auto_detect = args.given("auto-detect");
  r.provider = args.get("provider");
  r.instance_type = args.get("instance-type");
  r.region = args.get("region");
  r.arch = args.get("arch");
  r.site = args.get("site");
  r.template_set = args.get("template");
  r.spack_version = args.get("spack-version");
  r.rescan = args.given("rescan");
  r.output = args.get("output");
  r.force = args.given("force");
  for (const auto& v : args.all("var")) {
    auto [key, value] = parse_var(v);
    r.vars[key] = value;
  }
  for (const auto& p : args.all("compiler-prefix")) r.compiler_prefixes.emplace_back(p);

  SiteGenerator generator(host_.registry(),
                          TemplateStore(TemplateStore::default_roots(host_.paths().config_dir,
                                                                     host_.paths().data_dir)),
                          host_.config(), host_.paths().cache_dir / "config" / "tool-versions.json");
  auto result = generator.generate(r);
  if (inv.output.json) {
    inv.out << json{{"output", result.output.string()}, {"files", result.files},
                    {"target", result.context["target"]}, {"provider", result.context["cloud"]},
                    {"compilers", result.context["compilers"]}}
                   .dump(2)
            << "\n";
  } else {
    if (!args.given("output")) inv.err << "wrote " << result.output.string() << "/ (no --output given)\n";
    for (const auto& f : result.files) inv.out << (result.output / f).string() << "\n";
  }
  return kExitOk;
}

int ConfigCommand::templates(const CommandInvocation& inv, const ParsedArgs& args) {
  TemplateStore store(TemplateStore::default_roots(host_.paths().config_dir, host_.paths().data_dir));
  if (args.subcommand() == "template list") {
    json list = json::array();
    for (const auto& set : store.list()) {
      list.push_back({{"name", set.name}, {"path", set.dir.string()}, {"files", set.files}});
      if (!inv.output.json) inv.out << set.name << "\t" << set.dir.string() << "\n";
    }
    if (inv.output.json) inv.out << list.dump(2) << "\n";
    return kExitOk;
  }
  // `template create NAME` and the documented `template create --name NAME`.
  const std::string name = args.given("name") ? args.get("name") : args.positional(0);
  if (name.empty() || (args.given("name") && !args.positionals().empty()))
    throw UsageError("config template create needs one NAME (positional or --name)\n" + args.usage());
  auto set = store.create(name, args.get("from"));
  inv.out << set.dir.string() << "\n";
  return kExitOk;
}

}  // namespace spackext::config
