// verify's hashing rate: Sha256 (OpenSSL EVP) on one core, and on all cores
// over independent buffers as verify does with objects.
#include <benchmark/benchmark.h>

#include <string>
#include <thread>
#include <vector>

#include "buildcache/digest.hpp"
#include "buildcache/parallel.hpp"

namespace {

using namespace spackext::buildcache;

void BM_Sha256OneCore(benchmark::State& state) {
  std::string buf(64 << 20, 'x');
  for (auto _ : state) {
    Sha256 h;
    for (std::size_t off = 0; off < buf.size(); off += 1 << 20) h.update(buf.data() + off, 1 << 20);
    benchmark::DoNotOptimize(h.hex());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * buf.size()));
}
BENCHMARK(BM_Sha256OneCore)->Unit(benchmark::kMillisecond);

void BM_Sha256AllCores(benchmark::State& state) {
  const unsigned jobs = default_jobs();
  std::vector<std::string> bufs(jobs * 2, std::string(32 << 20, 'y'));
  for (auto _ : state) {
    parallel_for(bufs.size(), jobs, [&](std::size_t i) {
      Sha256 h;
      for (std::size_t off = 0; off < bufs[i].size(); off += 1 << 20) h.update(bufs[i].data() + off, 1 << 20);
      benchmark::DoNotOptimize(h.hex());
    });
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bufs.size() * bufs[0].size()));
  state.counters["jobs"] = jobs;
}
BENCHMARK(BM_Sha256AllCores)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
