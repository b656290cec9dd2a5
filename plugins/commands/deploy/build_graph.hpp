// The DAG the scheduler runs: one node per build (a stage, or one matrix
// combination of a stage), edges from each node to the nodes it waits for.
// Nodes belong to a group (their stage) that may cap how many run at once.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace spackext::deploy {

using NodeId = std::uint32_t;

struct BuildNode {
  std::string name;
  int group = 0;          // index into BuildGraph::groups (the stage)
  int tier = 0;           // barrier level for tiered schedules; 0 = derive from depth
  double duration = 1.0;  // estimated duration (minutes)
  std::map<std::string, std::string> axes;  // matrix values: compiler, mpi, app
  std::vector<NodeId> deps;
  std::vector<NodeId> dependents;
};

struct NodeGroup {
  std::string name;
  int limit = 0;  // at most this many running; 0 = no limit
};

class BuildGraph {
 public:
  // Returns the existing group of that name or adds it.
  int group(const std::string& name, int limit = 0);
  NodeId add_node(BuildNode node);
  // `node` waits for `dep`. Duplicate edges are ignored.
  void add_edge(NodeId dep, NodeId node);
  std::optional<NodeId> find(const std::string& name) const;

  std::size_t size() const { return nodes_.size(); }
  const BuildNode& node(NodeId id) const { return nodes_[id]; }
  BuildNode& node(NodeId id) { return nodes_[id]; }
  const std::vector<BuildNode>& nodes() const { return nodes_; }
  const std::vector<NodeGroup>& groups() const { return groups_; }
  std::size_t edge_count() const;

  // Dependencies first; throws spackext::InputError naming a cycle if any.
  std::vector<NodeId> topological_order() const;
  // Longest path from each node to any sink, counting the node's own duration:
  // the critical-path priority (run the node with most work behind it first).
  std::vector<double> bottom_levels() const;
  // Tier of each node: its own tier if set, else 1 + the deepest dependency.
  std::vector<int> tiers() const;
  double total_work() const;
  // The longest chain, sources first, and its length.
  std::vector<NodeId> critical_path(double* length = nullptr) const;

 private:
  std::vector<BuildNode> nodes_;
  std::vector<NodeGroup> groups_;
  std::unordered_map<std::string, NodeId> by_name_;
};

}  // namespace spackext::deploy
