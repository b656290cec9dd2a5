// Reading a plugin's manifest without loading it: the ELF section read with
// libelf, and the JSON parse into a Manifest.
#include <benchmark/benchmark.h>

#include "plugins/elf_manifest.hpp"
#include "spackext/manifest.hpp"

namespace {

void BM_ReadElfManifestSection(benchmark::State& state) {
  for (auto _ : state) {
    auto r = spackext::core::read_elf_manifest(SPACKEXT_BENCH_PLUGIN);
    if (r.status != spackext::core::ElfManifestResult::Status::ok) state.SkipWithError(r.error.c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReadElfManifestSection);

void BM_ParseManifest(benchmark::State& state) {
  auto r = spackext::core::read_elf_manifest(SPACKEXT_BENCH_PLUGIN);
  for (auto _ : state) benchmark::DoNotOptimize(spackext::Manifest::from_envelope(r.text));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseManifest);

}  // namespace
