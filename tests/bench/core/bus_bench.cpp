// Event bus throughput. Target (issue 2): synchronous publish at 20 M
// events/s or more with one subscriber.
#include <benchmark/benchmark.h>

#include "spackext/bus.hpp"

namespace {

using spackext::Bus;
using spackext::Event;

void BM_PublishSyncTopicHandle(benchmark::State& state) {
  Bus bus;
  std::uint64_t seen = 0;
  for (int i = 0; i < state.range(0); ++i)
    bus.subscribe("deploy.stage.*", [&seen](const Event&) { ++seen; });
  auto topic = bus.topic("deploy.stage.finished");
  const nlohmann::json payload{{"stage", "compilers"}, {"ok", true}};
  for (auto _ : state) bus.publish(topic, payload, "bench");
  benchmark::DoNotOptimize(seen);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PublishSyncTopicHandle)->Arg(1)->Arg(4);

void BM_PublishSyncByName(benchmark::State& state) {
  Bus bus;
  std::uint64_t seen = 0;
  bus.subscribe("deploy.**", [&seen](const Event&) { ++seen; });
  const nlohmann::json payload{{"stage", "compilers"}};
  for (auto _ : state) bus.publish("deploy.stage.finished", payload, "bench");
  benchmark::DoNotOptimize(seen);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PublishSyncByName);

void BM_PublishSyncReadsTimestamp(benchmark::State& state) {
  Bus bus;
  std::int64_t sum = 0;
  bus.subscribe("deploy.**", [&sum](const Event& e) { sum += e.time().time_since_epoch().count(); });
  auto topic = bus.topic("deploy.stage.finished");
  const nlohmann::json payload = nlohmann::json::object();
  for (auto _ : state) bus.publish(topic, payload);
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PublishSyncReadsTimestamp);

void BM_PublishNoSubscriber(benchmark::State& state) {
  Bus bus;
  auto topic = bus.topic("mirror.object.pushed");
  const nlohmann::json payload = nlohmann::json::object();
  for (auto _ : state) bus.publish(topic, payload);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PublishNoSubscriber);

// Queued: the publisher copies the event into the subscriber's queue; the
// time includes draining it (flush) so the figure is end-to-end throughput.
void BM_PublishQueued(benchmark::State& state) {
  Bus bus;
  std::uint64_t seen = 0;
  bus.subscribe("deploy.**", [&seen](const Event&) { ++seen; }, spackext::Delivery::queued);
  auto topic = bus.topic("deploy.stage.finished");
  const nlohmann::json payload{{"stage", "compilers"}};
  constexpr int kBatch = 1000;
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) bus.publish(topic, payload);
    bus.flush();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_PublishQueued)->UseRealTime();

}  // namespace
