// Detection by archspec's Linux rules (see the SDK header for the steps).
#include "spackext/microarch/detection.hpp"

#include <algorithm>

#include "spackext/errors.hpp"

namespace spackext::microarch {

namespace {

bool in_tree(const Microarchitecture& t, const std::string& root) {
  return t.name == root || t.has_ancestor(root);
}

bool subset(const std::set<std::string>& needed, const std::set<std::string>& have) {
  return std::includes(have.begin(), have.end(), needed.begin(), needed.end());
}

// archspec's sort key: more distinct ancestors first, then more features.
bool better(const Microarchitecture& a, const Microarchitecture& b) {
  if (a.ancestors.size() != b.ancestors.size()) return a.ancestors.size() > b.ancestors.size();
  return a.features.size() > b.features.size();
}

// The first of the best (max() keeps the first of equals: table order).
const Microarchitecture* best_of(const std::vector<const Microarchitecture*>& list) {
  const Microarchitecture* best = nullptr;
  for (const auto* t : list)
    if (!best || better(*t, *best)) best = t;
  return best;
}

}  // namespace

bool compatible(const Database& db, const HostCpu& host, const Microarchitecture& t) {
  (void)db;
  const std::string& m = host.machine;
  if (m == "x86_64") {
    return in_tree(t, "x86_64") && (t.generic() || t.vendor == host.vendor) &&
           subset(t.features, host.features);
  }
  if (m == "aarch64") {
    // The generic ISA levels are never candidates, only the root.
    if (!in_tree(t, "aarch64") || (t.generic() && t.name != "aarch64")) return false;
    return (t.generic() || t.vendor == host.vendor) && subset(t.features, host.features);
  }
  if (m == "ppc64" || m == "ppc64le") return in_tree(t, m) && t.generation <= host.generation;
  if (m == "riscv64") return in_tree(t, "riscv64") && (t.generic() || t.name == host.uarch);
  // Other families (sparc64, ...): only the generic root can be claimed.
  return t.name == m;
}

DetectionResult detect(const Database& db, const HostCpu& host) {
  DetectionResult r;
  for (const auto& t : db.targets())
    if (compatible(db, host, t)) r.candidates.push_back(&t);

  std::vector<const Microarchitecture*> generic;
  for (const auto* t : r.candidates)
    if (t->generic()) generic.push_back(t);
  r.best_generic = best_of(generic);
  if (!r.best_generic)
    throw InputError("--machine", "no microarchitecture family '" + host.machine +
                                      "' in the database (" + db.source() + ")");

  std::vector<const Microarchitecture*> pool = r.candidates;
  if (!host.cpu_part.empty()) {
    std::vector<const Microarchitecture*> same_part;
    for (const auto* t : pool)
      if (t->cpupart == host.cpu_part) same_part.push_back(t);
    if (!same_part.empty()) pool = std::move(same_part);
  }
  std::vector<const Microarchitecture*> descendants;
  for (const auto* t : pool)
    if (t->has_ancestor(r.best_generic->name)) descendants.push_back(t);
  r.target = descendants.empty() ? r.best_generic : best_of(descendants);
  return r;
}

}  // namespace spackext::microarch
