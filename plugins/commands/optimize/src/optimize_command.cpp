#include "optimize_command.hpp"

#include <algorithm>
#include <optional>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include <spackext/errors.hpp>
#include <spackext/microarch/database.hpp>
#include <spackext/microarch/optimization_flags.hpp>

#include "build_profiles.hpp"
#include "compiler_spec.hpp"
#include "cpu_source.hpp"
#include "default_compiler.hpp"
#include "host_detection.hpp"
#include "packages_yaml.hpp"

namespace spackext::optimize {

namespace {

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// An option's value if it was given on the command line.
std::optional<std::string> opt(const ParsedArgs& args, const char* key) {
  if (!args.given(key)) return std::nullopt;
  return args.get(key);
}

std::shared_ptr<const microarch::Database> base_database(const ParsedArgs& args) {
  std::optional<std::filesystem::path> file;
  if (auto f = opt(args, "microarch-db")) file = *f;
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

// The words were parsed by the host against "commands" in plugin.json.
int OptimizeCommand::run(const CommandInvocation& inv) {
  const std::string& sub = inv.parsed.subcommand();
  if (sub == "detect") return detect(inv.parsed, inv);
  if (sub == "recommend") return recommend(inv.parsed, inv);
  return generate(inv.parsed, inv);
}

int OptimizeCommand::detect(const ParsedArgs& args, const CommandInvocation& inv) {
  auto machine = opt(args, "machine");
  if (machine && !known_machine(*machine))
    throw InputError("--machine", "unknown machine '" + *machine +
                                      "' (expected x86_64, aarch64, ppc64le, ppc64 or riscv64)");
  auto db = base_database(args);
  CpuSource source;
  if (auto file = opt(args, "cpuinfo")) {
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
FlagsAdvice exact_flags_for(const std::vector<std::shared_ptr<Optimizer>>& optimizers, const std::string& target,
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
      if (t && known.empty()) {
        // archspec lists no compiler for the family (32-bit arm): no flags
        // is its answer for every compiler, not an unknown compiler.
        advice->warnings.push_back("archspec lists no optimizing compiler for the '" + t->family +
                                   "' family: no target flags");
        return *advice;
      }
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

// archspec refuses a compiler too old for the target (or one that the target
// does not list). For a site that builds anyway, the better answer is the
// flags of the nearest ancestor the compiler can optimize for, said in a
// warning that names the ancestor and the compiler's limit; `strict` keeps
// archspec's refusal.
FlagsAdvice flags_for(const std::vector<std::shared_ptr<Optimizer>>& optimizers, const std::string& target,
                      const CompilerSpec& compiler, const std::shared_ptr<const microarch::Database>& db,
                      bool strict) {
  try {
    return exact_flags_for(optimizers, target, compiler, db);
  } catch (const microarch::UnsupportedTarget& refused) {
    if (strict) throw;
    const auto* t = db->find(target);
    if (!t) throw;
    for (const auto& ancestor : t->ancestors) {
      try {
        auto advice = exact_flags_for(optimizers, ancestor, compiler, db);
        if (advice.flags.empty()) continue;
        advice.warnings.insert(advice.warnings.begin(),
                               "using the flags of '" + ancestor + "', the nearest ancestor of '" + target +
                                   "' that " + compiler.str() + " optimizes for (" + refused.what() +
                                   "); --strict refuses instead, as archspec does");
        return advice;
      } catch (const microarch::UnsupportedTarget&) {
      }
    }
    throw;
  }
}

}  // namespace

int OptimizeCommand::recommend(const ParsedArgs& args, const CommandInvocation& inv) {
  // Without --compiler (the documented `optimize recommend --package hpl`):
  // the compiler a build here would get, said on stderr.
  CompilerSpec compiler;
  std::string compiler_source = "--compiler";
  if (args.given("compiler")) {
    compiler = parse_compiler_spec(args.get("compiler"));
  } else {
    auto found = find_default_compiler();
    if (!found)
      throw InputError("--compiler", "no compiler given and none found ($CC, gcc or clang on PATH); give --compiler NAME@VERSION");
    compiler = found->spec;
    compiler_source = found->path;
    if (!inv.output.quiet)
      inv.err << "note: no --compiler given; using " << compiler.str() << " (" << found->path << ")\n";
  }
  auto db = base_database(args);
  auto optimizers = optimizers_();
  const std::string target = target_name(opt(args, "arch"), optimizers, host_cpuinfo_, db);
  auto advice = flags_for(optimizers, target, compiler, db, args.given("strict"));
  std::optional<BuildProfile> profile;
  if (auto pkg = opt(args, "package")) {
    auto profiles = opt(args, "profiles") ? load_profiles(*opt(args, "profiles")) : default_profiles();
    auto it = profiles.find(*pkg);
    profile = it == profiles.end() ? BuildProfile{} : it->second;
  }
  for (const auto& w : advice.warnings) inv.err << "warning: " << w << "\n";
  if (inv.output.json) {
    nlohmann::json j = {{"target", target}, {"compiler", compiler.name}, {"version", compiler.version},
                        {"compiler_source", compiler_source},
                        {"flags", advice.flags}, {"warnings", advice.warnings}};
    if (profile) {
      j["package"] = *opt(args, "package");
      j["package_spec"] = profile->spec();
    }
    inv.out << j.dump(2) << "\n";
    return kExitOk;
  }
  inv.out << advice.flags << "\n";
  if (profile) {
    const auto spec = profile->spec();
    inv.out << *opt(args, "package") << ": " << (spec.empty() ? "(no build profile)" : spec) << "\n";
  }
  return kExitOk;
}

int OptimizeCommand::generate(const ParsedArgs& args, const CommandInvocation& inv) {
  auto output = opt(args, "output");
  std::optional<CompilerSpec> compiler;
  if (auto c = opt(args, "compiler")) compiler = parse_compiler_spec(*c);
  auto profiles = opt(args, "profiles") ? load_profiles(*opt(args, "profiles")) : default_profiles();
  auto db = base_database(args);
  auto optimizers = optimizers_();
  const std::string target = target_name(opt(args, "arch"), optimizers, host_cpuinfo_, db);
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
    auto advice = flags_for(optimizers, target, *compiler, db, args.given("strict"));
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
