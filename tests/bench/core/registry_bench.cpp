// Registry lookups, with as many services as a well-stocked install has.
#include <benchmark/benchmark.h>

#include "spackext/registry.hpp"
#include "spackext/services/mirror.hpp"

namespace {

struct Dummy : spackext::Service {
  static constexpr const char* kKind = "dummy";
};

void fill(spackext::Registry& r, int n) {
  for (int i = 0; i < n; ++i) r.add<Dummy>("service-" + std::to_string(i), std::make_shared<Dummy>(), {.priority = i % 3});
}

void BM_RegistryFindByName(benchmark::State& state) {
  spackext::Registry r;
  fill(r, static_cast<int>(state.range(0)));
  const std::string wanted = "service-" + std::to_string(state.range(0) / 2);
  for (auto _ : state) benchmark::DoNotOptimize(r.find<Dummy>(wanted));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RegistryFindByName)->Arg(10)->Arg(50)->Arg(200);

void BM_RegistryAllOfKind(benchmark::State& state) {
  spackext::Registry r;
  fill(r, static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(r.all<Dummy>());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RegistryAllOfKind)->Arg(10)->Arg(50);

}  // namespace
