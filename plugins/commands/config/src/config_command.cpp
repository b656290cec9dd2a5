#include "config_command.hpp"

#include <ostream>

#include <boost/program_options.hpp>

#include "scope_validator.hpp"
#include "site_generator.hpp"
#include "spackext/errors.hpp"
#include "template_store.hpp"

namespace spackext::config {

namespace fs = std::filesystem;
namespace po = boost::program_options;
using json = nlohmann::json;

namespace {

constexpr const char* kUsage =
    "usage: spack-ext config generate [--auto-detect] [--provider P --instance-type T --region R]\n"
    "                                 [--arch A] [--site NAME] [--template NAME] [--var KEY=VALUE ...]\n"
    "                                 [--spack-version 1.1|0.23] [--compiler-prefix DIR ...] [--rescan] --output DIR\n"
    "       spack-ext config validate DIR|FILE...\n"
    "       spack-ext config template list\n"
    "       spack-ext config template create NAME [--from SET]\n";

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& options,
                        const po::positional_options_description& positional) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + "\n" + kUsage);
  }
  return vm;
}

}  // namespace

int ConfigCommand::run(const CommandInvocation& inv) {
  if (inv.args.empty() || inv.args[0] == "--help" || inv.args[0] == "-h") {
    (inv.args.empty() ? inv.err : inv.out) << kUsage;
    return inv.args.empty() ? kExitUsage : kExitOk;
  }
  const std::string& sub = inv.args[0];
  std::vector<std::string> rest(inv.args.begin() + 1, inv.args.end());
  if (sub == "validate") return validate(inv, rest);
  if (sub == "generate") return generate(inv, rest);
  if (sub == "template") return templates(inv, rest);
  throw UsageError("unknown subcommand 'config " + sub + "'\n" + kUsage);
}

int ConfigCommand::validate(const CommandInvocation& inv, const std::vector<std::string>& args) {
  po::options_description options;
  options.add_options()("path", po::value<std::vector<std::string>>()->multitoken(), "scope or file");
  po::positional_options_description positional;
  positional.add("path", -1);
  auto vm = parse(args, options, positional);
  if (!vm.count("path")) throw UsageError(std::string("config validate needs a DIR or FILE\n") + kUsage);

  ScopeValidator validator;
  std::vector<ValidationIssue> issues;
  for (const auto& p : vm["path"].as<std::vector<std::string>>()) {
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

int ConfigCommand::generate(const CommandInvocation& inv, const std::vector<std::string>& args) {
  GenerateRequest r;
  std::vector<std::string> vars, prefixes;
  std::string output;
  po::options_description options;
  options.add_options()
      ("auto-detect", po::bool_switch(&r.auto_detect))
      ("provider", po::value(&r.provider))
      ("instance-type", po::value(&r.instance_type))
      ("region", po::value(&r.region))
      ("arch", po::value(&r.arch))
      ("site", po::value(&r.site))
      ("template", po::value(&r.template_set)->default_value("default"))
      ("var", po::value(&vars)->composing())
      ("spack-version", po::value(&r.spack_version)->default_value("1.1"))
      ("compiler-prefix", po::value(&prefixes)->composing())
      ("rescan", po::bool_switch(&r.rescan))
      ("output,o", po::value(&output));
  parse(args, options, {});
  if (output.empty()) throw UsageError(std::string("config generate needs --output DIR\n") + kUsage);
  r.output = output;
  for (const auto& v : vars) {
    auto [key, value] = parse_var(v);
    r.vars[key] = value;
  }
  for (const auto& p : prefixes) r.compiler_prefixes.emplace_back(p);

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
    for (const auto& f : result.files) inv.out << (result.output / f).string() << "\n";
  }
  return kExitOk;
}

int ConfigCommand::templates(const CommandInvocation& inv, const std::vector<std::string>& args) {
  TemplateStore store(TemplateStore::default_roots(host_.paths().config_dir, host_.paths().data_dir));
  std::string action, name, from = "default";
  po::options_description options;
  options.add_options()("action", po::value(&action))("name", po::value(&name))("from", po::value(&from));
  po::positional_options_description positional;
  positional.add("action", 1).add("name", 1);
  parse(args, options, positional);
  if (action == "list") {
    json list = json::array();
    for (const auto& set : store.list()) {
      list.push_back({{"name", set.name}, {"path", set.dir.string()}, {"files", set.files}});
      if (!inv.output.json) inv.out << set.name << "\t" << set.dir.string() << "\n";
    }
    if (inv.output.json) inv.out << list.dump(2) << "\n";
    return kExitOk;
  }
  if (action == "create") {
    if (name.empty()) throw UsageError(std::string("config template create needs a NAME\n") + kUsage);
    auto set = store.create(name, from);
    inv.out << set.dir.string() << "\n";
    return kExitOk;
  }
  throw UsageError("config template needs 'list' or 'create'\n" + std::string(kUsage));
}

}  // namespace spackext::config
