#include "schedule_simulator.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <random>

#include "ready_queue.hpp"

namespace spackext::deploy {
namespace {

void fill_summary(const BuildGraph& g, SimulatedSchedule& s) {
  s.total_work = g.total_work();
  s.critical_path = g.critical_path(&s.critical_path_length);
  s.lower_bound = std::max(s.critical_path_length, s.workers > 0 ? s.total_work / s.workers : 0.0);
  s.utilisation = s.makespan > 0 ? s.total_work / (s.workers * s.makespan) : 0.0;
}

// Runs list scheduling over `nodes` (all of them when `members` is null),
// starting at `t0`; returns the time the last one finishes.
double run_list(const BuildGraph& g, int workers, const std::vector<double>& priority,
                double t0, const std::vector<char>* members, SimulatedSchedule& s) {
  const auto n = g.size();
  std::vector<std::uint32_t> waiting(n, 0);
  ReadyQueue ready(g, priority);
  for (NodeId i = 0; i < n; ++i) {
    if (members && !(*members)[i]) continue;
    for (NodeId d : g.node(i).deps)
      if (!members || (*members)[d]) ++waiting[i];
    if (waiting[i] == 0) ready.push(i);
  }
  using Finish = std::pair<double, NodeId>;  // (time, node), earliest first
  std::priority_queue<Finish, std::vector<Finish>, std::greater<>> running;
  std::vector<int> free_workers;
  for (int w = workers - 1; w >= 0; --w) free_workers.push_back(w);
  double now = t0, end = t0;
  for (;;) {
    while (!free_workers.empty()) {
      auto next = ready.pop();
      if (!next) break;
      s.start[*next] = now;
      s.worker[*next] = free_workers.back();
      free_workers.pop_back();
      ready.started(*next);
      running.push({now + g.node(*next).duration, *next});
    }
    if (running.empty()) break;
    // Finish everything that ends at the same instant before choosing again.
    now = running.top().first;
    while (!running.empty() && running.top().first == now) {
      NodeId done = running.top().second;
      running.pop();
      ready.finished(done);
      free_workers.push_back(s.worker[done]);
      end = std::max(end, now);
      for (NodeId d : g.node(done).dependents) {
        if (members && !(*members)[d]) continue;
        if (--waiting[d] == 0) ready.push(d);
      }
    }
  }
  return end;
}

}  // namespace

SimulatedSchedule simulate_list_schedule(const BuildGraph& g, int workers,
                                         const std::vector<double>& priority,
                                         std::string policy) {
  SimulatedSchedule s;
  s.workers = std::max(1, workers);
  s.policy = std::move(policy);
  s.start.assign(g.size(), 0);
  s.worker.assign(g.size(), -1);
  s.makespan = run_list(g, s.workers, priority, 0.0, nullptr, s);
  fill_summary(g, s);
  return s;
}

SimulatedSchedule simulate_tiered_schedule(const BuildGraph& g, int workers) {
  SimulatedSchedule s;
  s.workers = std::max(1, workers);
  s.policy = "tiers with barriers";
  s.start.assign(g.size(), 0);
  s.worker.assign(g.size(), -1);
  auto tier = g.tiers();
  auto priority = g.bottom_levels();
  int last = tier.empty() ? 0 : *std::max_element(tier.begin(), tier.end());
  double t = 0;
  for (int level = 1; level <= last; ++level) {
    std::vector<char> members(g.size(), 0);
    bool any = false;
    for (NodeId i = 0; i < g.size(); ++i)
      if (tier[i] == level) {
        members[i] = 1;
        any = true;
      }
    if (any) t = run_list(g, s.workers, priority, t, &members, s);
  }
  s.makespan = t;
  fill_summary(g, s);
  return s;
}

PlannedSchedule plan_schedule(const BuildGraph& g, int workers) {
  const auto bottom = g.bottom_levels();
  // Number of nodes behind each one: among equal paths, unblock more work first.
  std::vector<double> descendants_work(g.size(), 0.0);
  {
    auto order = g.topological_order();
    for (auto it = order.rbegin(); it != order.rend(); ++it)
      for (NodeId d : g.node(*it).dependents) descendants_work[*it] += g.node(d).duration + descendants_work[d] / std::max<std::size_t>(1, g.node(d).deps.size());
  }
  const double scale = g.total_work() + 1.0;
  std::vector<std::pair<std::string, std::vector<double>>> candidates;
  candidates.emplace_back("critical path", bottom);
  {
    std::vector<double> p(g.size());
    for (NodeId i = 0; i < g.size(); ++i) p[i] = bottom[i] + descendants_work[i] / (scale * 4);
    candidates.emplace_back("critical path, then most work unblocked", std::move(p));
  }
  {
    std::vector<double> p(g.size());
    for (NodeId i = 0; i < g.size(); ++i) p[i] = bottom[i] + g.node(i).duration / (scale * 4);
    candidates.emplace_back("critical path, then longest node", std::move(p));
  }
  {
    // Critical path plus a share of the work still hanging on the node: at
    // small W total work dominates, so unblocking work matters more.
    std::vector<double> p(g.size());
    double w = std::max(1, workers);
    for (NodeId i = 0; i < g.size(); ++i) p[i] = bottom[i] + descendants_work[i] / w;
    candidates.emplace_back("critical path plus work behind / W", std::move(p));
  }
  PlannedSchedule best;
  auto consider = [&](std::string name, std::vector<double> priority) {
    auto s = simulate_list_schedule(g, workers, priority, std::move(name));
    if (best.priority.empty() || s.makespan < best.schedule.makespan - 1e-9) {
      best.schedule = std::move(s);
      best.priority = std::move(priority);
    }
  };
  for (auto& [name, priority] : candidates) consider(name, std::move(priority));
  // Perturbed critical paths: list scheduling is sensitive to which of two
  // nearly-equal nodes goes first, so a few seeded random nudges of the
  // priorities often find a shorter schedule. The number of tries shrinks
  // with the graph so planning stays in the milliseconds.
  const int tries = static_cast<int>(std::min<std::size_t>(64, 200000 / std::max<std::size_t>(1, g.size())));
  std::mt19937 rng(20261121);
  std::uniform_real_distribution<double> nudge(0.0, 0.1);
  if (best.schedule.makespan > best.schedule.lower_bound + 1e-9) {
    for (int t = 0; t < tries; ++t) {
      std::vector<double> p(g.size());
      for (NodeId i = 0; i < g.size(); ++i) p[i] = bottom[i] * (1.0 + nudge(rng));
      consider("critical path, perturbed (seeded)", std::move(p));
      if (best.schedule.makespan <= best.schedule.lower_bound + 1e-9) break;
    }
  }
  return best;
}

}  // namespace spackext::deploy
