// Deploy scheduler benchmarks (not part of ctest):
//  - BM_SchedulerOverhead: the real scheduler driving a 10,000-node DAG on an
//    executor whose jobs finish at once, so all time measured is scheduling
//    (ready queue, bookkeeping, observer calls); reported per node.
//  - BM_Stack516Makespan/W: the stack-516 fixture on the virtual clock at W
//    workers: makespan, lower bound, ratio, tiers-with-barriers makespan.
// The fixture is read from $SPACKEXT_SHARED_DIR/fixtures/deploy/stack-516.json
// (default ../shared beside the source tree).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "graph_file.hpp"
#include "schedule_simulator.hpp"
#include "scheduler.hpp"

namespace sd = spackext::deploy;

namespace {

// Layers of 100 nodes; each node depends on up to 3 random nodes of earlier
// layers (seeded: the same DAG every run). Durations 1-60 min.
sd::BuildGraph layered_dag(std::size_t nodes) {
  std::mt19937 rng(42);
  sd::BuildGraph g;
  int group = g.group("all");
  std::uniform_real_distribution<double> dur(1.0, 60.0);
  for (std::size_t i = 0; i < nodes; ++i) {
    sd::BuildNode n;
    n.name = "n" + std::to_string(i);
    n.group = group;
    n.duration = dur(rng);
    auto id = g.add_node(std::move(n));
    std::size_t layer = i / 100;
    if (layer == 0) continue;
    std::uniform_int_distribution<std::size_t> pick(0, layer * 100 - 1);
    for (int k = 0; k < 3; ++k) g.add_edge(static_cast<sd::NodeId>(pick(rng)), id);
  }
  return g;
}

// Finishes every job the moment it is submitted.
class InstantExecutor final : public spackext::Executor {
 public:
  std::string submit(const spackext::StageJob& job) override { return job.id; }
  spackext::JobStatus status(const std::string&) override { return {spackext::JobState::succeeded, 0, {}}; }
  std::vector<std::string> wait_any(const std::vector<std::string>& ids, std::chrono::milliseconds) override {
    return ids;
  }
  void cancel(const std::string&) override {}
};

void BM_SchedulerOverhead(benchmark::State& state) {
  const auto nodes = static_cast<std::size_t>(state.range(0));
  const int jobs = static_cast<int>(state.range(1));
  auto g = layered_dag(nodes);
  auto priority = g.bottom_levels();
  InstantExecutor ex;
  sd::ScheduleObserver quiet;
  sd::SchedulerOptions opt;
  opt.jobs = jobs;
  sd::JobMaker make = [&](sd::NodeId n, int, const std::vector<std::string>&) {
    spackext::StageJob j;
    j.id = g.node(n).name;
    return j;
  };
  for (auto _ : state) {
    auto out = sd::run_schedule(g, priority, ex, make, quiet, opt);
    if (out.succeeded != nodes) state.SkipWithError("not every node succeeded");
  }
  // Seconds per node, shown in microseconds.
  state.counters["per_node_us"] = benchmark::Counter(static_cast<double>(nodes) * 1e-6,
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_SchedulerOverhead)->Args({10000, 64})->Args({10000, 8})->Unit(benchmark::kMillisecond);

void BM_PlanSchedule(benchmark::State& state) {
  auto g = layered_dag(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(sd::plan_schedule(g, 64).schedule.makespan);
}
BENCHMARK(BM_PlanSchedule)->Arg(10000)->Unit(benchmark::kMillisecond);

std::filesystem::path stack_file() {
  const char* shared = std::getenv("SPACKEXT_SHARED_DIR");
  std::filesystem::path dir = shared ? shared : std::filesystem::path(SPACKEXT_SOURCE_DIR) / ".." / "shared";
  return dir / "fixtures" / "deploy" / "stack-516.json";
}

void BM_Stack516Makespan(benchmark::State& state) {
  auto file = stack_file();
  if (!std::filesystem::exists(file)) {
    state.SkipWithError(("fixture not found: " + file.string()).c_str());
    return;
  }
  auto g = sd::load_graph_file(file);
  const int workers = static_cast<int>(state.range(0));
  sd::PlannedSchedule plan;
  for (auto _ : state) plan = sd::plan_schedule(g, workers);
  auto tiered = sd::simulate_tiered_schedule(g, workers);
  state.counters["makespan_min"] = plan.schedule.makespan;
  state.counters["lower_bound_min"] = plan.schedule.lower_bound;
  state.counters["ratio_to_lb"] = plan.schedule.ratio_to_lower_bound();
  state.counters["tiered_min"] = tiered.makespan;
  state.counters["vs_tiered"] = plan.schedule.makespan / tiered.makespan;
  state.counters["utilisation"] = plan.schedule.utilisation;
}
BENCHMARK(BM_Stack516Makespan)->Arg(8)->Arg(16)->Arg(32)->Arg(64)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
