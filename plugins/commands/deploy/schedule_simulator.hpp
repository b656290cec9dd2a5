// Schedules a DAG on W identical workers on a virtual clock (no sleeping):
// the capacity-planning answer to "how long with N workers?".
#pragma once

#include <string>
#include <vector>

#include "build_graph.hpp"

namespace spackext::deploy {

struct SimulatedSchedule {
  int workers = 0;
  std::string policy;           // which priority rule produced it
  double makespan = 0;
  double total_work = 0;
  double critical_path_length = 0;
  double lower_bound = 0;       // max(critical path, work / W)
  double utilisation = 0;       // work / (W * makespan)
  std::vector<double> start;    // per node
  std::vector<int> worker;      // per node
  std::vector<NodeId> critical_path;
  double ratio_to_lower_bound() const { return lower_bound > 0 ? makespan / lower_bound : 1.0; }
};

// List scheduling: whenever a worker is free, start the ready node with the
// highest priority (ties: the node declared first).
SimulatedSchedule simulate_list_schedule(const BuildGraph& graph, int workers,
                                         const std::vector<double>& priority,
                                         std::string policy = "priority");

// The seed's Argo steps: tiers run one after the other with a barrier in
// between; inside a tier, longest remaining path first.
SimulatedSchedule simulate_tiered_schedule(const BuildGraph& graph, int workers);

// Critical-path list scheduling, plus a few refinements of the priority that
// break its ties differently; returns the shortest schedule and the priority
// that produced it (so a run can use the same order).
struct PlannedSchedule {
  SimulatedSchedule schedule;
  std::vector<double> priority;
};
PlannedSchedule plan_schedule(const BuildGraph& graph, int workers);

}  // namespace spackext::deploy
