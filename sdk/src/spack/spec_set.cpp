#include "spackext/spack/spec_set.hpp"

#include <algorithm>
#include <set>

#include "spackext/errors.hpp"

namespace spackext::spack {

void SpecSet::add(ConcreteSpec spec) {
  std::string hash = spec.hash;
  specs_.insert_or_assign(std::move(hash), std::move(spec));
}

const ConcreteSpec* SpecSet::find(const std::string& hash) const {
  auto it = specs_.find(hash);
  return it == specs_.end() ? nullptr : &it->second;
}

const ConcreteSpec& SpecSet::at(const std::string& hash) const {
  if (const auto* spec = find(hash)) return *spec;
  throw Error("spec /" + hash + " is not in this set of specs");
}

std::vector<const ConcreteSpec*> SpecSet::direct_dependencies(
    const ConcreteSpec& spec, const std::vector<std::string>& deptypes) const {
  std::vector<const ConcreteSpec*> out;
  for (const auto& edge : spec.dependencies) {
    bool wanted = deptypes.empty() ||
                  std::any_of(deptypes.begin(), deptypes.end(), [&](const std::string& t) { return edge.has_type(t); });
    if (!wanted) continue;
    if (const auto* dep = find(edge.hash)) out.push_back(dep);
  }
  return out;
}

const ConcreteSpec* SpecSet::provider(const ConcreteSpec& spec, const std::string& virtual_name) const {
  // Breadth-first over link/run edges: the nearest provider wins, as in a DAG
  // where each virtual has one provider.
  std::vector<const ConcreteSpec*> queue{&spec};
  std::set<std::string> seen{spec.hash};
  for (std::size_t i = 0; i < queue.size(); ++i) {
    for (const auto& edge : queue[i]->dependencies) {
      if (!(edge.has_type("link") || edge.has_type("run"))) continue;
      const auto* dep = find(edge.hash);
      if (!dep) continue;
      if (edge.provides(virtual_name)) return dep;
      if (seen.insert(dep->hash).second) queue.push_back(dep);
    }
  }
  return nullptr;
}

void SpecSet::resolve_compiler_versions() {
  for (auto& [hash, spec] : specs_) {
    if (!spec.compiler || spec.compiler->hash.empty() || !spec.compiler->version.empty()) continue;
    if (const auto* compiler = find(spec.compiler->hash)) spec.compiler->version = compiler->version;
  }
}

}  // namespace spackext::spack
