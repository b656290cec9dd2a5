// The nodes that may start now, highest priority first, respecting each
// group's limit on how many of its nodes run at once (a stage's `parallel`).
// Shared by the real scheduler and the virtual-clock simulator so that a
// plan predicts what a run does.
#pragma once

#include <optional>
#include <queue>
#include <vector>

#include "build_graph.hpp"

namespace spackext::deploy {

class ReadyQueue {
 public:
  ReadyQueue(const BuildGraph& graph, const std::vector<double>& priority)
      : graph_(graph), priority_(priority), heaps_(graph.groups().size() + 1),
        running_(graph.groups().size() + 1, 0) {}

  void push(NodeId n) {
    heaps_[slot(n)].push({priority_[n], n});
    ++size_;
  }
  // The best ready node whose group has room, or nullopt. Entries may be
  // stale (the caller discards nodes that are no longer ready).
  std::optional<NodeId> pop() {
    std::size_t best = heaps_.size();
    for (std::size_t g = 0; g < heaps_.size(); ++g) {
      if (heaps_[g].empty() || full(g)) continue;
      if (best == heaps_.size() || before(heaps_[g].top(), heaps_[best].top())) best = g;
    }
    if (best == heaps_.size()) return std::nullopt;
    NodeId n = heaps_[best].top().second;
    heaps_[best].pop();
    --size_;
    return n;
  }
  void started(NodeId n) { ++running_[slot(n)]; }
  void finished(NodeId n) { --running_[slot(n)]; }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

 private:
  using Entry = std::pair<double, NodeId>;
  // Higher priority first; among equals the node declared first.
  static bool before(const Entry& a, const Entry& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  }
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const { return before(b, a); }
  };
  std::size_t slot(NodeId n) const {
    int g = graph_.node(n).group;
    return g >= 0 && static_cast<std::size_t>(g) < graph_.groups().size() ? g : heaps_.size() - 1;
  }
  bool full(std::size_t g) const {
    if (g >= graph_.groups().size()) return false;
    int limit = graph_.groups()[g].limit;
    return limit > 0 && running_[g] >= limit;
  }

  const BuildGraph& graph_;
  const std::vector<double>& priority_;
  std::vector<std::priority_queue<Entry, std::vector<Entry>, Later>> heaps_;
  std::vector<int> running_;
  std::size_t size_ = 0;
};

}  // namespace spackext::deploy
