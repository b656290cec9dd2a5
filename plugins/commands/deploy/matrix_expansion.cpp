#include "matrix_expansion.hpp"

#include <unordered_map>

#include "spackext/errors.hpp"

namespace spackext::deploy {

std::string axis_key(const std::string& axis) {
  if (axis == "libraries") return "library";
  return axis.empty() || axis.back() != 's' ? axis : axis.substr(0, axis.size() - 1);
}

namespace {

// Every combination of the stage's axes, in kMatrixAxes order.
std::vector<std::vector<std::pair<std::string, std::string>>> combinations(const Matrix& m) {
  std::vector<std::vector<std::pair<std::string, std::string>>> out{{}};
  for (const auto& axis : kMatrixAxes) {
    auto it = m.find(axis);
    if (it == m.end()) continue;
    std::vector<std::vector<std::pair<std::string, std::string>>> next;
    next.reserve(out.size() * it->second.size());
    for (const auto& prefix : out)
      for (const auto& v : it->second) {
        next.push_back(prefix);
        next.back().emplace_back(axis_key(axis), v);
      }
    out = std::move(next);
  }
  return out;
}

std::string key_on(const BuildNode& n, const std::vector<std::string>& keys) {
  std::string k;
  for (const auto& key : keys) k += n.axes.at(key) + '\x1f';
  return k;
}

}  // namespace

BuildGraph expand_stages(const DeploySpec& spec, const std::set<std::string>& only) {
  for (const auto& name : only)
    if (!spec.find_stage(name))
      throw InputError("--stages", "unknown stage '" + name + "' in " + spec.file.string());
  auto selected = [&](const std::string& s) { return only.empty() || only.count(s); };

  BuildGraph g;
  std::unordered_map<std::string, std::vector<NodeId>> nodes_of;
  for (const auto& stage : spec.stages) {
    if (!selected(stage.name)) continue;
    int group = g.group(stage.name, stage.parallel);
    for (const auto& combo : combinations(stage.matrix)) {
      BuildNode n;
      n.name = stage.name;
      for (const auto& [key, value] : combo) {
        n.name += "/" + value;
        n.axes[key] = value;
      }
      n.group = group;
      n.duration = stage.estimate_min.value_or(1.0);
      nodes_of[stage.name].push_back(g.add_node(std::move(n)));
    }
  }
  for (const auto& stage : spec.stages) {
    if (!selected(stage.name)) continue;
    for (const auto& dep_name : stage.depends) {
      if (!selected(dep_name)) continue;
      const auto& dep = *spec.find_stage(dep_name);
      std::vector<std::string> shared;
      for (const auto& axis : kMatrixAxes)
        if (stage.matrix.count(axis) && dep.matrix.count(axis)) shared.push_back(axis_key(axis));
      std::unordered_map<std::string, std::vector<NodeId>> by_key;
      for (NodeId d : nodes_of[dep_name]) by_key[key_on(g.node(d), shared)].push_back(d);
      for (NodeId n : nodes_of[stage.name]) {
        auto it = by_key.find(key_on(g.node(n), shared));
        if (it == by_key.end()) continue;
        for (NodeId d : it->second) g.add_edge(d, n);
      }
    }
  }
  return g;
}

}  // namespace spackext::deploy
