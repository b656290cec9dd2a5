#include "package_command.hpp"

#include <algorithm>
#include <cstdlib>
#include <iomanip>
#include <ostream>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "definition_writer.hpp"
#include "environment_writer.hpp"
#include "known_packages.hpp"
#include "package_catalog.hpp"
#include "package_definition.hpp"
#include "spack_repo_writer.hpp"
#include "spackext/atomic_file.hpp"
#include "spackext/errors.hpp"
#include "spackext/suggest.hpp"

namespace spackext::package {
namespace fs = std::filesystem;
namespace {

// Every issue on stderr (or as JSON on stdout), then exit 2.
int report_issues(const CommandInvocation& inv, const LoadResult& r) {
  if (inv.output.json) {
    nlohmann::json issues = nlohmann::json::array();
    for (const auto& i : r.issues)
      issues.push_back({{"file", i.file}, {"line", i.line}, {"column", i.column}, {"key", i.key}, {"message", i.message}});
    inv.out << nlohmann::json{{"valid", false}, {"class", issue_class_name(r.issue_class)}, {"issues", issues}}.dump(2)
            << "\n";
  }
  for (const auto& i : r.issues) inv.err << "error: " << i.to_string() << "\n";
  inv.err << r.issues.size() << " " << issue_class_name(r.issue_class) << " error" << (r.issues.size() == 1 ? "" : "s")
          << "\n";
  return kExitUsage;
}

std::vector<fs::path> definition_files(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw InputError(dir.string(), "no such folder");
  if (!fs::is_directory(dir, ec)) throw InputError(dir.string(), "not a folder (expected a folder of package definitions)");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto ext = e.path().extension();
    if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw InputError(dir.string(), "no package definitions (*.yaml) in this folder");
  return files;
}

nlohmann::json entry_json(const CatalogEntry& e) {
  auto j = e.definition.to_json();
  j["source"] = e.source;
  j["imported_at"] = e.imported_at;
  return j;
}

}  // namespace

fs::path PackageCommand::catalog_file() const { return host_.paths().state_dir / "packages.db"; }

int PackageCommand::run(const CommandInvocation& inv) {
  const auto& sub = inv.parsed.subcommand();
  if (sub == "create") return create(inv);
  if (sub == "validate") return validate(inv);
  if (sub == "list") return list(inv);
  if (sub == "show") return show(inv);
  if (sub == "import") return import(inv);
  if (sub == "env-create") return env_create(inv);
  throw UsageError(inv.parsed.usage());
}

int PackageCommand::create(const CommandInvocation& inv) {
  const auto& a = inv.parsed;
  NewDefinition d{a.positional(0), a.get("family"), a.get("version"), a.get("description"),
                  split_dependency_list(a.get("deps"))};
  const fs::path dir = a.get("output", ".");
  const fs::path file = dir / (d.name + ".yaml");
  const std::string text = definition_yaml(d);
  // What is written must validate: check before anything touches the disk.
  auto check = load_definition_text(text, file.string());
  if (!check.ok()) {
    for (const auto& i : check.issues) inv.err << "error: " << i.to_string() << "\n";
    return kExitUsage;
  }
  std::error_code ec;
  if (fs::exists(file, ec) && !a.has("force"))
    throw InputError(file.string(), "already exists (use --force to replace it)");
  write_file_atomically(file, text);
  if (inv.output.json) inv.out << nlohmann::json{{"file", file.string()}, {"definition", check.definitions[0].to_json()}}.dump(2) << "\n";
  else inv.out << "wrote " << file.string() << "\n";
  return kExitOk;
}

int PackageCommand::validate(const CommandInvocation& inv) {
  std::vector<fs::path> files;
  for (const auto& p : inv.parsed.positionals()) files.emplace_back(p);
  auto r = load_definitions(files);
  if (!r.ok()) return report_issues(inv, r);
  if (inv.output.json) {
    nlohmann::json defs = nlohmann::json::array();
    for (const auto& d : r.definitions) defs.push_back(d.to_json());
    inv.out << nlohmann::json{{"valid", true}, {"definitions", defs}}.dump(2) << "\n";
  } else {
    for (const auto& d : r.definitions)
      inv.out << d.file << ": ok (" << d.name << " " << d.version << ", " << d.dependencies.size() << " dependencies, "
              << d.profiles.size() << " profiles)\n";
  }
  return kExitOk;
}

int PackageCommand::list(const CommandInvocation& inv) {
  PackageCatalog catalog(catalog_file());
  const auto entries = catalog.list(inv.parsed.get("family"));
  if (inv.output.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : entries) out.push_back(entry_json(e));
    inv.out << out.dump(2) << "\n";
    return kExitOk;
  }
  if (entries.empty()) {
    inv.err << "no packages" << (inv.parsed.given("family") ? " in family '" + inv.parsed.get("family") + "'" : "")
            << " (add some with `spack-ext package import`)\n";
    return kExitOk;
  }
  std::size_t w_name = 4, w_version = 7, w_family = 6;
  for (const auto& e : entries) {
    w_name = std::max(w_name, e.definition.name.size());
    w_version = std::max(w_version, e.definition.version.size());
    w_family = std::max(w_family, e.definition.family.size());
  }
  inv.out << std::left << std::setw(static_cast<int>(w_name + 2)) << "NAME" << std::setw(static_cast<int>(w_version + 2))
          << "VERSION" << std::setw(static_cast<int>(w_family + 2)) << "FAMILY" << "DEPENDENCIES\n";
  for (const auto& e : entries) {
    std::string deps;
    for (const auto& d : e.definition.dependencies) deps += (deps.empty() ? "" : ", ") + d.text;
    inv.out << std::left << std::setw(static_cast<int>(w_name + 2)) << e.definition.name
            << std::setw(static_cast<int>(w_version + 2)) << e.definition.version
            << std::setw(static_cast<int>(w_family + 2)) << e.definition.family << deps << "\n";
  }
  return kExitOk;
}

int PackageCommand::show(const CommandInvocation& inv) {
  PackageCatalog catalog(catalog_file());
  const std::string name = inv.parsed.positional(0);
  auto e = catalog.find(name);
  if (!e) {
    std::string hint = closest_name(name, catalog.names(), 3);
    throw InputError("", "no package '" + name + "' in the catalog" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  }
  if (inv.output.json) {
    inv.out << entry_json(*e).dump(2) << "\n";
    return kExitOk;
  }
  const auto& d = e->definition;
  inv.out << d.name << " " << d.version << " (family " << d.family << ")\n";
  if (!d.description.empty()) inv.out << "  " << d.description << "\n";
  inv.out << "  imported from " << e->source << " at " << e->imported_at << "\n";
  inv.out << "  dependencies:\n";
  for (const auto& dep : d.dependencies) inv.out << "    " << dep.text << "\n";
  if (!d.profiles.empty()) inv.out << "  profiles:\n";
  for (const auto& p : d.profiles) {
    inv.out << "    " << p.name << ":";
    if (!p.variants.empty()) inv.out << " " << p.variants;
    for (const auto& [f, v] : p.flags) inv.out << " " << f << "=\"" << v << "\"";
    inv.out << "\n";
  }
  if (!d.compatibility.empty()) inv.out << "  compatibility:\n";
  for (const auto& c : d.compatibility) inv.out << "    " << c.name << " " << c.text << " (Spack @" << c.range.to_spack() << ")\n";
  return kExitOk;
}

int PackageCommand::import(const CommandInvocation& inv) {
  const auto& a = inv.parsed;
  const std::string family = a.get("family");
  auto r = load_definitions(definition_files(a.get("from")));
  if (!r.ok()) return report_issues(inv, r);

  std::vector<std::string> problems;
  std::set<std::string> incoming;
  for (const auto& d : r.definitions) {
    const std::string where = d.file + ":" + std::to_string(d.line_of_name);
    if (d.family != family) problems.push_back(where + ": family: '" + d.family + "' is not the family being imported ('" + family + "')");
    if (!incoming.insert(d.name).second) problems.push_back(where + ": name: '" + d.name + "' is defined by two files of the folder");
  }
  PackageCatalog catalog(catalog_file());
  std::optional<fs::path> known_source;
  if (a.given("known-packages")) known_source = fs::path(a.get("known-packages"));
  const char* home_env = std::getenv("HOME");
  const fs::path home = home_env ? home_env : "";
  const KnownPackages known = find_known_packages(known_source, home);
  std::vector<std::string> known_list(known.names.begin(), known.names.end());
  std::set<std::string> unchecked;
  for (const auto& d : r.definitions) {
    for (const auto& dep : d.dependencies) {
      const auto& n = dep.spec.name;
      if (incoming.count(n) || catalog.contains(n)) continue;
      if (!known.available()) {
        unchecked.insert(n);
        continue;
      }
      if (known.contains(n)) continue;
      std::string hint = closest_name(n, known_list, 3);
      if (hint.empty() && known.contains("py-" + n)) hint = "py-" + n;
      problems.push_back(d.file + ":" + std::to_string(dep.line) + ": dependencies: '" + n +
                         "' is neither in the catalog nor a package Spack knows (" + known.source + ")" +
                         (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
    }
  }
  if (!problems.empty()) {
    for (const auto& p : problems) inv.err << "error: " << p << "\n";
    return kExitUsage;
  }
  if (!unchecked.empty()) {
    std::string names;
    for (const auto& n : unchecked) names += (names.empty() ? "" : ", ") + n;
    inv.err << "warning: no Spack builtin package list found (set SPACK_ROOT or pass --known-packages); not checked: "
            << names << "\n";
  }
  catalog.import(r.definitions);
  if (inv.output.json) {
    nlohmann::json names = nlohmann::json::array();
    for (const auto& d : r.definitions) names.push_back(d.name);
    inv.out << nlohmann::json{{"family", family}, {"imported", names}, {"unchecked_dependencies", unchecked}}.dump(2) << "\n";
  } else {
    inv.out << "imported " << r.definitions.size() << " package" << (r.definitions.size() == 1 ? "" : "s")
            << " into family " << family << "\n";
  }
  return kExitOk;
}

int PackageCommand::env_create(const CommandInvocation& inv) {
  const auto& a = inv.parsed;
  EnvironmentRequest request;
  request.family = a.get("family");
  request.profile = a.get("profile");
  request.target = a.get("arch");
  if (!request.target.empty() && !std::regex_match(request.target, std::regex("^[A-Za-z0-9_]+$")))
    throw InputError("--arch " + request.target, "not a microarchitecture name (e.g. zen4, skylake_avx512, x86_64_v3)");
  PackageCatalog catalog(catalog_file());
  std::vector<PackageDefinition> family;
  for (auto& e : catalog.list(request.family)) family.push_back(std::move(e.definition));

  fs::path output = a.get("output", ".");
  const auto ext = output.extension();
  if (ext != ".yaml" && ext != ".yml") output /= "spack.yaml";
  std::optional<fs::path> repo_dir;
  if (a.given("repo")) {
    request.repo_namespace = a.get("namespace", repo_namespace_for(request.family));
    // Checked before anything is written.
    if (!std::regex_match(request.repo_namespace, std::regex("^[A-Za-z_][A-Za-z0-9_]*$")))
      throw InputError("--namespace " + request.repo_namespace, "not a Python identifier");
    request.repo = fs::absolute(fs::path(a.get("repo")) / "spack_repo" / request.repo_namespace).lexically_normal();
  }
  auto env = build_environment(family, request);
  if (request.repo) repo_dir = write_spack_repo(fs::path(a.get("repo")), request.repo_namespace, family);
  write_file_atomically(output, env.yaml);
  for (const auto& w : env.warnings) inv.err << "warning: " << w << "\n";
  if (inv.output.json) {
    nlohmann::json j{{"environment", output.string()}, {"specs", env.specs}, {"warnings", env.warnings}};
    if (repo_dir) j["repo"] = repo_dir->string();
    inv.out << j.dump(2) << "\n";
  } else {
    inv.out << "wrote " << output.string() << " (" << env.specs.size() << " specs)\n";
    if (repo_dir) inv.out << "wrote the package repository " << repo_dir->string() << "\n";
  }
  return kExitOk;
}

}  // namespace spackext::package
