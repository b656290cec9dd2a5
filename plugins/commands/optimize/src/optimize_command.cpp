#include "optimize_command.hpp"

#include <algorithm>
#include <optional>
#include <ostream>
#include <sstream>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include <spackext/errors.hpp>
#include <spackext/microarch/database.hpp>

#include "build_profiles.hpp"
#include "compiler_spec.hpp"
#include "cpu_source.hpp"
#include "host_detection.hpp"
#include "packages_yaml.hpp"

namespace spackext::optimize {

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "usage: spack-ext optimize <subcommand> [options]\n"
    "  detect    [--cpuinfo FILE] [--machine M] [--microarch-db FILE] [--json]\n"
    "  recommend --compiler NAME@VERSION [--arch A] [--package P] [--profiles FILE]\n"
    "            [--microarch-db FILE] [--json]\n"
    "  generate  [--arch A] [--compiler NAME@VERSION] [--profiles FILE] [--microarch-db FILE]\n"
    "            --output packages.yaml\n";

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Parses subcommand options; unknown options and stray words are usage errors.
po::variables_map parse(const std::string& sub, const po::options_description& desc,
                        const std::vector<std::string>& args) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError("optimize " + sub + ": " + e.what());
  }
  return vm;
}

std::optional<std::string> opt(const po::variables_map& vm, const char* key) {
  if (!vm.count(key)) return std::nullopt;
  return vm[key].as<std::string>();
}

std::shared_ptr<const microarch::Database> base_database(const po::variables_map& vm) {
  std::optional<std::filesystem::path> file;
  if (auto f = opt(vm, "microarch-db")) file = *f;
  return microarch::Database::resolve(file);
}

nlohmann::json to_json(const MicroarchDetection& d) {
  return {{"name", d.name},           {"vendor", d.vendor},       {"family", d.family},
          {"generic", d.generic},     {"features", d.features},   {"ancestors", d.ancestors},
          {"details", d.details}};
}

}  // namespace

OptimizeCommand::OptimizeCommand(OptimizerSource optimizers, std::filesystem::path host_cpuinfo)
    : optimizers_(std::move(optimizers)), host_cpuinfo_(std::move(host_cpuinfo)) {}

int OptimizeCommand::run(const CommandInvocation& inv) {
  if (inv.args.empty() || inv.args[0] == "--help" || inv.args[0] == "-h" || inv.args[0] == "help") {
    if (inv.args.empty()) throw UsageError(std::string("optimize: missing subcommand\n") + kUsage);
    inv.out << kUsage;
    return kExitOk;
  }
  const std::string sub = inv.args[0];
  std::vector<std::string> rest(inv.args.begin() + 1, inv.args.end());
  // --json may also reach us after the subcommand.
  rest.erase(std::remove(rest.begin(), rest.end(), "--json"), rest.end());
  if (sub == "detect") return detect(rest, inv);
  if (sub == "recommend") return recommend(rest, inv);
  if (sub == "generate") return generate(rest, inv);
  throw UsageError("optimize: unknown subcommand '" + sub + "' (expected detect, recommend, generate)");
}


int OptimizeCommand::detect(const std::vector<std::string>& args, const CommandInvocation& inv) {
  po::options_description desc("optimize detect");
  desc.add_options()("cpuinfo", po::value<std::string>(), "read this cpuinfo file instead of the host's")(
      "machine", po::value<std::string>(), "x86_64, aarch64, ppc64le, ppc64 or riscv64")(
      "microarch-db", po::value<std::string>(), "archspec microarchitectures.json to use");
  auto vm = parse("detect", desc, args);
  auto machine = opt(vm, "machine");
  if (machine && !known_machine(*machine))
    throw InputError("--machine", "unknown machine '" + *machine +
                                      "' (expected x86_64, aarch64, ppc64le, ppc64 or riscv64)");
  auto db = base_database(vm);
  CpuSource source;
  if (auto file = opt(vm, "cpuinfo")) {
    source = cpu_from_file(*file, machine);
  } else {
    source = cpu_from_host(host_cpuinfo_);
    if (machine) source.machine = *machine;
  }
  auto d = detect_cpu(optimizers_(), std::move(source), db);
  const auto& a = d.answer;
  if (inv.output.json) {
    nlohmann::json j = to_json(a);
    j["source"] = {{"cpuinfo", d.source.origin},
                   {"machine", d.source.machine},
                   {"machine_guessed", d.source.machine_guessed},
                   {"database", db->source()}};
    if (d.source.cpuid.available) {
      j["cpuid"] = {{"vendor", d.source.cpuid.vendor},
                    {"brand", d.source.cpuid.brand},
                    {"hidden_from_cpuinfo", d.hidden},
                    {"name", d.with_cpuid ? d.with_cpuid->name : a.name},
                    {"differs", d.cpuid_differs()}};
    }
    inv.out << j.dump(2) << "\n";
    return kExitOk;
  }
  inv.out << "microarchitecture: " << a.name << "\n"
          << "vendor:            " << a.vendor << "\n"
          << "family:            " << a.family << "\n"
          << "generic level:     " << a.generic << "\n"
          << "ancestors:         " << (a.ancestors.empty() ? "(none)" : join(a.ancestors)) << "\n"
          << "features:          " << (a.features.empty() ? "(none)" : join(a.features, " ")) << "\n"
          << "source:            " << d.source.origin << " (machine " << d.source.machine
          << (d.source.machine_guessed ? ", guessed from the file" : "") << "; table " << db->source() << ")\n";
  if (d.source.cpuid.available) {
    if (d.cpuid_differs())
      inv.out << "cpuid:             " << d.with_cpuid->name << " (CPUID reports features /proc/cpuinfo hides: "
              << join(d.hidden, " ") << ")\n";
    else
      inv.out << "cpuid:             same answer" << (d.hidden.empty() ? "" : " (CPUID also reports: " + join(d.hidden, " ") + ")")
              << "\n";
  }
  return kExitOk;
}

namespace {

// The target, from --arch or by detecting the host.
std::string target_name(const std::optional<std::string>& arch,
                        const std::vector<std::shared_ptr<Optimizer>>& optimizers,
                        const std::filesystem::path& host_cpuinfo,
                        const std::shared_ptr<const microarch::Database>& db) {
  if (arch) return *arch;
  return detect_cpu(optimizers, cpu_from_host(host_cpuinfo), db).answer.name;
}

// The flags for target/compiler from the first optimizer that knows the
// target; unknown target or compiler: InputError.
FlagsAdvice flags_for(const std::vector<std::shared_ptr<Optimizer>>& optimizers, const std::string& target,
                      const CompilerSpec& compiler, const std::shared_ptr<const microarch::Database>& db) {
  FlagsRequest req{target, compiler.name, compiler.version, db};
  for (const auto& o : optimizers) {
    auto advice = o->flags(req);
    if (!advice) continue;
    if (advice->flags.empty()) {
      const auto* t = db->find(target);
      std::vector<std::string> known;
      if (const auto* root = t ? db->find(t->family) : nullptr)
        for (const auto& [name, _] : root->compilers) known.push_back(name);
      throw InputError("--compiler", "unknown compiler '" + compiler.name + "'" +
                                         (t ? " for the " + t->family + " family" : std::string()) +
                                         (known.empty() ? std::string() : "; known: " + join(known)));
    }
    return *advice;
  }
  if (!db->find(target)) db->get(target);  // throws "unknown microarchitecture", with suggestions
  throw InputError("--arch", "no installed optimizer handles '" + target + "' (family " +
                                 db->get(target).family + ")");
}

}  // namespace

int OptimizeCommand::recommend(const std::vector<std::string>& args, const CommandInvocation& inv) {
  po::options_description desc("optimize recommend");
  desc.add_options()("compiler", po::value<std::string>(), "NAME@VERSION, like gcc@13.2")(
      "arch", po::value<std::string>(), "target (default: the detected host)")(
      "package", po::value<std::string>(), "add the package's build profile")(
      "profiles", po::value<std::string>(), "build profiles YAML (default: spack-ext's)")(
      "microarch-db", po::value<std::string>(), "archspec microarchitectures.json to use");
  auto vm = parse("recommend", desc, args);
  auto compiler_text = opt(vm, "compiler");
  if (!compiler_text) throw UsageError("optimize recommend: --compiler NAME@VERSION is required");
  const auto compiler = parse_compiler_spec(*compiler_text);
  auto db = base_database(vm);
  auto optimizers = optimizers_();
  const std::string target = target_name(opt(vm, "arch"), optimizers, host_cpuinfo_, db);
  auto advice = flags_for(optimizers, target, compiler, db);
  std::optional<BuildProfile> profile;
  if (auto pkg = opt(vm, "package")) {
    auto profiles = opt(vm, "profiles") ? load_profiles(*opt(vm, "profiles")) : default_profiles();
    auto it = profiles.find(*pkg);
    profile = it == profiles.end() ? BuildProfile{} : it->second;
  }
  for (const auto& w : advice.warnings) inv.err << "warning: " << w << "\n";
  if (inv.output.json) {
    nlohmann::json j = {{"target", target}, {"compiler", compiler.name}, {"version", compiler.version},
                        {"flags", advice.flags}, {"warnings", advice.warnings}};
    if (profile) {
      j["package"] = *opt(vm, "package");
      j["package_spec"] = profile->spec();
    }
    inv.out << j.dump(2) << "\n";
    return kExitOk;
  }
  inv.out << advice.flags << "\n";
  if (profile) {
    const auto spec = profile->spec();
    inv.out << *opt(vm, "package") << ": " << (spec.empty() ? "(no build profile)" : spec) << "\n";
  }
  return kExitOk;
}

int OptimizeCommand::generate(const std::vector<std::string>& args, const CommandInvocation& inv) {
  po::options_description desc("optimize generate");
  desc.add_options()("arch", po::value<std::string>(), "target (default: the detected host)")(
      "compiler", po::value<std::string>(), "NAME@VERSION to prefer")(
      "profiles", po::value<std::string>(), "build profiles YAML (default: spack-ext's)")(
      "output", po::value<std::string>(), "packages.yaml to write")(
      "microarch-db", po::value<std::string>(), "archspec microarchitectures.json to use");
  auto vm = parse("generate", desc, args);
  auto output = opt(vm, "output");
  if (!output) throw UsageError("optimize generate: --output FILE is required");
  std::optional<CompilerSpec> compiler;
  if (auto c = opt(vm, "compiler")) compiler = parse_compiler_spec(*c);
  auto profiles = opt(vm, "profiles") ? load_profiles(*opt(vm, "profiles")) : default_profiles();
  auto db = base_database(vm);
  auto optimizers = optimizers_();
  const std::string target = target_name(opt(vm, "arch"), optimizers, host_cpuinfo_, db);
  bool known = false;
  for (const auto& o : optimizers) {
    auto names = o->targets(db);
    if (std::find(names.begin(), names.end(), target) != names.end()) known = true;
  }
  if (!known) {
    db->get(target);  // unknown anywhere: suggestions
    throw InputError("--arch", "no installed optimizer handles '" + target + "'");
  }
  PackagesYamlRequest req{target, compiler, {}, profiles};
  if (compiler) {
    auto advice = flags_for(optimizers, target, *compiler, db);  // refuses unsupported pairs
    req.compiler_flags = advice.flags;
    for (const auto& w : advice.warnings) inv.err << "warning: " << w << "\n";
  }
  write_file_atomically(*output, render_packages_yaml(req));
  std::vector<std::string> packages;
  for (const auto& [name, p] : profiles)
    if (!p.spec().empty()) packages.push_back(name);
  if (inv.output.json) {
    inv.out << nlohmann::json{{"output", *output}, {"target", target},
                              {"compiler", compiler ? compiler->str() : ""},
                              {"flags", req.compiler_flags}, {"packages", packages}}
                   .dump(2)
            << "\n";
  } else {
    inv.out << "wrote " << *output << " (target " << target << (compiler ? ", prefers %" + compiler->str() : "")
            << ", " << packages.size() << " package profiles)\n";
  }
  return kExitOk;
}

}  // namespace spackext::optimize
