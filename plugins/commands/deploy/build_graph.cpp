#include "build_graph.hpp"

#include <algorithm>

#include "spackext/errors.hpp"

namespace spackext::deploy {

int BuildGraph::group(const std::string& name, int limit) {
  for (std::size_t i = 0; i < groups_.size(); ++i)
    if (groups_[i].name == name) return static_cast<int>(i);
  groups_.push_back({name, limit});
  return static_cast<int>(groups_.size() - 1);
}

NodeId BuildGraph::add_node(BuildNode node) {
  auto id = static_cast<NodeId>(nodes_.size());
  if (!by_name_.emplace(node.name, id).second)
    throw InputError(node.name, "duplicate node name");
  node.deps.clear();
  node.dependents.clear();
  nodes_.push_back(std::move(node));
  return id;
}

void BuildGraph::add_edge(NodeId dep, NodeId node) {
  auto& deps = nodes_[node].deps;
  if (std::find(deps.begin(), deps.end(), dep) != deps.end()) return;
  deps.push_back(dep);
  nodes_[dep].dependents.push_back(node);
}

std::optional<NodeId> BuildGraph::find(const std::string& name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::size_t BuildGraph::edge_count() const {
  std::size_t n = 0;
  for (const auto& node : nodes_) n += node.deps.size();
  return n;
}

std::vector<NodeId> BuildGraph::topological_order() const {
  // Kahn's algorithm; what is left over lies on or behind a cycle.
  std::vector<std::uint32_t> waiting(nodes_.size());
  std::vector<NodeId> order, ready;
  order.reserve(nodes_.size());
  for (NodeId i = 0; i < nodes_.size(); ++i) {
    waiting[i] = static_cast<std::uint32_t>(nodes_[i].deps.size());
    if (waiting[i] == 0) ready.push_back(i);
  }
  while (!ready.empty()) {
    NodeId n = ready.back();
    ready.pop_back();
    order.push_back(n);
    for (NodeId d : nodes_[n].dependents)
      if (--waiting[d] == 0) ready.push_back(d);
  }
  if (order.size() == nodes_.size()) return order;
  // Walk dependencies among the leftovers until a node repeats: that is a cycle.
  NodeId start = 0;
  while (waiting[start] == 0) ++start;
  std::vector<int> seen_at(nodes_.size(), -1);
  std::vector<NodeId> path;
  NodeId n = start;
  while (seen_at[n] < 0) {
    seen_at[n] = static_cast<int>(path.size());
    path.push_back(n);
    for (NodeId d : nodes_[n].deps)
      if (waiting[d] != 0) {
        n = d;
        break;
      }
  }
  std::string cycle;
  for (auto i = path.size(); i-- > static_cast<std::size_t>(seen_at[n]);)
    cycle += nodes_[path[i]].name + " -> ";
  cycle += nodes_[path.back()].name;
  throw InputError(nodes_[n].name, "dependency cycle: " + cycle);
}

std::vector<double> BuildGraph::bottom_levels() const {
  auto order = topological_order();
  std::vector<double> level(nodes_.size(), 0.0);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    double tail = 0.0;
    for (NodeId d : nodes_[*it].dependents) tail = std::max(tail, level[d]);
    level[*it] = nodes_[*it].duration + tail;
  }
  return level;
}

std::vector<int> BuildGraph::tiers() const {
  std::vector<int> tier(nodes_.size(), 1);
  for (NodeId n : topological_order()) {
    if (nodes_[n].tier > 0) {
      tier[n] = nodes_[n].tier;
      continue;
    }
    int t = 1;
    for (NodeId d : nodes_[n].deps) t = std::max(t, tier[d] + 1);
    tier[n] = t;
  }
  return tier;
}

double BuildGraph::total_work() const {
  double w = 0;
  for (const auto& n : nodes_) w += n.duration;
  return w;
}

std::vector<NodeId> BuildGraph::critical_path(double* length) const {
  std::vector<NodeId> path;
  if (nodes_.empty()) {
    if (length) *length = 0;
    return path;
  }
  auto level = bottom_levels();
  NodeId best = 0;
  bool found = false;
  for (NodeId i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].deps.empty() && (!found || level[i] > level[best])) {
      best = i;
      found = true;
    }
  if (length) *length = level[best];
  for (NodeId n = best;;) {
    path.push_back(n);
    const auto& next = nodes_[n].dependents;
    if (next.empty()) break;
    n = *std::max_element(next.begin(), next.end(),
                          [&](NodeId a, NodeId b) { return level[a] < level[b]; });
  }
  return path;
}

}  // namespace spackext::deploy
