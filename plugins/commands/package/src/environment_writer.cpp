#include "environment_writer.hpp"

#include <map>
#include <set>

#include <yaml-cpp/yaml.h>

#include "compatibility_range.hpp"
#include "spackext/errors.hpp"

namespace spackext::package {
namespace {

// What one package asks of one dependency's versions, and who asked.
struct RangeClaim {
  VersionRange range;
  std::string text;   // as the user wrote it
  std::string owner;  // "neurotool (neurotool.yaml:27)"
};

std::string owner_of(const PackageDefinition& d, int line) {
  return d.name + " (" + d.file + ":" + std::to_string(line) + ")";
}

std::string flag_assignments(const std::map<std::string, std::string>& flags) {
  std::string out;
  for (const auto& [name, value] : flags) {
    spack::SpecVariant v{name, value, false, false, false};
    out += (out.empty() ? "" : " ") + v.to_string();
  }
  return out;
}

// The dependency a compatibility key means: `numpy` is `py-numpy` when the
// family depends on that and not on `numpy` itself.
std::string dependency_for(const std::vector<PackageDefinition>& family, const std::string& key) {
  bool exact = false, python = false;
  for (const auto& d : family) {
    for (const auto& dep : d.dependencies) {
      if (dep.spec.name == key) exact = true;
      if (dep.spec.name == "py-" + key) python = true;
    }
  }
  return (!exact && python) ? "py-" + key : key;
}

}  // namespace

EnvironmentResult build_environment(const std::vector<PackageDefinition>& family, const EnvironmentRequest& request) {
  if (family.empty()) throw InputError("--family " + request.family, "no package of this family is in the catalog (import it first)");
  EnvironmentResult result;

  // Roots: the family's packages, then their dependencies (first mention wins
  // the position; identical strings once).
  std::vector<std::string> roots;
  std::set<std::string> seen;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> per_compiler;  // package -> (compiler, flags)
  bool profile_found = request.profile.empty();
  for (const auto& d : family) {
    std::string spec = d.name + "@" + d.version;
    if (!request.profile.empty()) {
      const Profile* p = d.profile(request.profile);
      if (!p) {
        result.warnings.push_back(d.name + " has no profile '" + request.profile + "'; it is built with its defaults");
      } else {
        profile_found = true;
        std::string variants = p->variant_spec.to_string();
        if (!variants.empty()) spec += (variants[0] == '+' || variants[0] == '~' ? "" : " ") + variants;
        const std::string flags = flag_assignments(p->flags);
        if (!flags.empty()) spec += " " + flags;
        for (const auto& [compiler, cf] : p->compilers) per_compiler[d.name].emplace_back(compiler, flag_assignments(cf.flags));
      }
    }
    if (seen.insert(spec).second) roots.push_back(spec);
  }
  if (!profile_found) {
    throw InputError("--profile " + request.profile, "no package of family '" + request.family + "' defines this profile");
  }
  // Boolean variants two packages set differently on one dependency cannot
  // both hold in one unified environment.
  std::map<std::string, std::map<std::string, std::pair<std::string, std::string>>> dep_variants;
  for (const auto& d : family) {
    for (const auto& dep : d.dependencies) {
      for (const auto& v : dep.spec.variants) {
        if (!v.boolean) continue;
        auto& slot = dep_variants[dep.spec.name][v.name];
        const std::string who = owner_of(d, dep.line);
        if (!slot.first.empty() && slot.first != v.value) {
          throw InputError(d.file + ":" + std::to_string(dep.line),
                           "dependency '" + dep.spec.name + "' is required " + (v.value == "true" ? "+" : "~") + v.name +
                               " by " + who + " but " + (slot.first == "true" ? "+" : "~") + v.name + " by " + slot.second);
        }
        slot = {v.value, who};
      }
      if (seen.insert(dep.text).second) roots.push_back(dep.text);
    }
  }

  // Version ranges per dependency: compatibility entries and single-range
  // dependency specs, intersected across the family.
  std::map<std::string, std::vector<RangeClaim>> claims;
  std::vector<std::string> order;
  for (const auto& d : family) {
    for (const auto& c : d.compatibility) {
      const std::string dep = dependency_for(family, c.name);
      if (!claims.count(dep)) order.push_back(dep);
      claims[dep].push_back({c.range, c.text, owner_of(d, c.line)});
    }
  }
  for (const auto& d : family) {
    for (const auto& dep : d.dependencies) {
      if (dep.spec.versions.size() != 1 || !claims.count(dep.spec.name)) continue;
      const auto& v = dep.spec.versions.front();
      VersionRange r = v.range ? VersionRange{v.low, v.high} : VersionRange{v.low, v.low};
      if (!r.low.empty() && r.low[0] == '=') r.low = r.high = r.low.substr(1);
      claims[dep.spec.name].push_back({r, "@" + v.to_string(), owner_of(d, dep.line)});
    }
  }
  std::map<std::string, std::string> requirements;
  for (const auto& dep : order) {
    const auto& list = claims[dep];
    VersionRange common;
    for (std::size_t i = 0; i < list.size(); ++i) {
      auto next = intersect(common, list[i].range);
      if (!next) {
        // With intervals, the first claim that empties the intersection is
        // disjoint from at least one earlier claim (Helly): name that pair.
        std::size_t j = 0;
        while (j < i && intersect(list[j].range, list[i].range)) ++j;
        throw InputError(list[i].owner, "conflicting version ranges for '" + dep + "': " + list[i].owner + " wants '" +
                                            list[i].text + "' but " + list[j].owner + " wants '" + list[j].text + "'");
      }
      common = *next;
    }
    if (!common.any()) requirements[dep] = "@" + common.to_spack();
  }

  YAML::Emitter out;
  out << YAML::Comment("Spack environment for the " + request.family + " family" +
                       (request.profile.empty() ? "" : ", profile " + request.profile) +
                       (request.target.empty() ? "" : ", target " + request.target) +
                       " (written by spack-ext package env-create)");
  out << YAML::BeginMap << YAML::Key << "spack" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "specs" << YAML::Value << YAML::BeginSeq;
  for (const auto& r : roots) out << YAML::DoubleQuoted << r;
  out << YAML::EndSeq;
  out << YAML::Key << "concretizer" << YAML::Value << YAML::BeginMap << YAML::Key << "unify" << YAML::Value << true
      << YAML::EndMap;
  if (!requirements.empty() || !request.target.empty() || !per_compiler.empty()) {
    out << YAML::Key << "packages" << YAML::Value << YAML::BeginMap;
    if (!request.target.empty()) {
      out << YAML::Key << "all" << YAML::Value << YAML::BeginMap << YAML::Key << "require" << YAML::Value
          << YAML::BeginSeq << YAML::DoubleQuoted << ("target=" + request.target) << YAML::EndSeq << YAML::EndMap;
    }
    std::set<std::string> names;
    for (const auto& [n, r] : requirements) names.insert(n);
    for (const auto& [n, r] : per_compiler) names.insert(n);
    for (const auto& n : names) {
      out << YAML::Key << n << YAML::Value << YAML::BeginMap << YAML::Key << "require" << YAML::Value << YAML::BeginSeq;
      if (auto it = requirements.find(n); it != requirements.end()) out << YAML::DoubleQuoted << it->second;
      if (auto it = per_compiler.find(n); it != per_compiler.end()) {
        for (const auto& [compiler, flags] : it->second) {
          if (flags.empty()) continue;
          out << YAML::BeginMap << YAML::Key << "spec" << YAML::Value << YAML::DoubleQuoted << flags << YAML::Key
              << "when" << YAML::Value << YAML::DoubleQuoted << ("%" + compiler) << YAML::EndMap;
        }
      }
      out << YAML::EndSeq << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  if (request.repo) {
    out << YAML::Key << "repos" << YAML::Value << YAML::BeginMap << YAML::Key << request.repo_namespace << YAML::Value
        << request.repo->string() << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  result.yaml = std::string(out.c_str()) + "\n";
  result.specs = roots;
  return result;
}

}  // namespace spackext::package
