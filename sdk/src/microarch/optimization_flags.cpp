// archspec's flag selection, step by step (docs: microarch notes §4).
#include "spackext/microarch/optimization_flags.hpp"

#include "spackext/microarch/compiler_version.hpp"

namespace spackext::microarch {

namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

}  // namespace

FlagsAdvice optimization_flags(const Database& db, const Microarchitecture& target,
                               std::string_view compiler_view, std::string_view version) {
  const std::string compiler(compiler_view);
  const std::string spec = compiler + "@" + std::string(version);
  const Microarchitecture& root = db.get(target.family);
  // 1. A compiler the family root does not list: no opinion.
  if (!root.compilers.count(compiler)) return {};
  // 2. Listed by the family but not by the target: name the nearest ancestor
  //    that can (ancestor-list order), as archspec does.
  auto it = target.compilers.find(compiler);
  if (it == target.compilers.end()) {
    std::string best;
    for (const auto& a : target.ancestors) {
      const auto* anc = db.find(a);
      if (anc && anc->compilers.count(compiler)) {
        best = a;
        break;
      }
    }
    throw UnsupportedTarget(spec, "'" + compiler + "' is known to optimize up to the '" + best +
                                      "' microarchitecture in the '" + target.family +
                                      "' family, not for '" + target.name + "'");
  }
  // 3. Digits and dots only.
  auto v = parse_version(version);
  if (!v)
    throw InputError(spec, "invalid compiler version '" + std::string(version) +
                               "': expected numbers separated by dots, like 13.2 or 13.2.0");
  // 4. First rule whose range holds the version wins.
  const auto& rules = it->second;
  std::string ranges;
  std::optional<VersionTuple> first_newer;
  std::string first_newer_text;  // as written in the table ("23.04.0")
  for (const auto& rule : rules) {
    const auto range = parse_range(rule.versions, target.origin);
    if (range.contains(*v)) {
      FlagsAdvice out;
      out.flags = rule.flags;
      replace_all(out.flags, "{name}", rule.name.empty() ? target.name : rule.name);
      replace_all(out.flags, "{family}", rule.family.empty() ? target.family : rule.family);
      if (!rule.warning.empty()) out.warnings.push_back(rule.warning);
      return out;
    }
    ranges += (ranges.empty() ? "" : ", ") + rule.versions;
    if (range.low && *v < *range.low && (!first_newer || *range.low < *first_newer)) {
      first_newer = range.low;
      first_newer_text = rule.versions.substr(0, rule.versions.find(':'));
    }
  }
  // 5. Nothing matched: say which versions would.
  std::string msg = "cannot produce optimized binary for microarchitecture '" + target.name + "' with " + spec;
  if (rules.empty()) {
    msg += " [no supported compiler versions]";
  } else {
    msg += " [supported compiler versions are " + ranges + "]";
    if (first_newer) msg += "; the first version that supports it is " + compiler + "@" + first_newer_text;
  }
  throw UnsupportedTarget(spec, msg);
}

}  // namespace spackext::microarch
