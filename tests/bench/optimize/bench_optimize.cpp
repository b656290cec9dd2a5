// In-process costs behind `optimize detect`: building the database from the
// built-in table (what the first call pays), parsing cpuinfo, detection and
// flag selection. Whole-process timings: detect_timing.sh beside this file.
#include <fstream>
#include <sstream>

#include <benchmark/benchmark.h>
#include <spackext/microarch/microarch.hpp>

namespace {

namespace ma = spackext::microarch;

std::string sample(const char* name) {
  std::ifstream in(std::string(SPACKEXT_SHARED_DIR) + "/fixtures/cpuinfo/" + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Rebuilds a database equal to the built-in one from its targets, through
// the table format (what Database::builtin() does once per process).
std::string builtin_as_table() {
  std::string out;
  for (const auto& t : ma::Database::builtin()->targets()) {
    out += "@ " + t.name + " | ";
    for (std::size_t i = 0; i < t.parents.size(); ++i) out += (i ? "," : "") + t.parents[i];
    out += " | " + t.vendor + "\n";
    if (!t.features.empty()) {
      out += "=";
      for (const auto& f : t.features) out += " " + f;
      out += "\n";
    }
    for (const auto& [compiler, rules] : t.compilers)
      for (const auto& r : rules)
        out += "c " + compiler + " | " + r.versions + " | " + r.name + " | " + r.flags + "\n";
  }
  return out;
}

void BM_ParseAndLinkTable(benchmark::State& state) {
  const std::string text = builtin_as_table();
  for (auto _ : state) {
    auto db = ma::Database::parse_table(text, "bench");
    db.link();
    benchmark::DoNotOptimize(db.size());
  }
}
BENCHMARK(BM_ParseAndLinkTable)->Unit(benchmark::kMicrosecond);

void BM_DetectFromCpuinfo(benchmark::State& state) {
  const std::string text = sample("linux-unknown-sapphirerapids");
  auto db = ma::Database::builtin();
  for (auto _ : state) {
    auto host = ma::parse_cpuinfo(text, "x86_64", *db, "bench");
    benchmark::DoNotOptimize(ma::detect(*db, host).target);
  }
}
BENCHMARK(BM_DetectFromCpuinfo)->Unit(benchmark::kMicrosecond);

void BM_OptimizationFlags(benchmark::State& state) {
  auto db = ma::Database::builtin();
  const auto& zen4 = db->get("zen4");
  for (auto _ : state) benchmark::DoNotOptimize(ma::optimization_flags(*db, zen4, "gcc", "13.2"));
}
BENCHMARK(BM_OptimizationFlags)->Unit(benchmark::kMicrosecond);

void BM_ReadCpuid(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ma::read_cpuid());
}
BENCHMARK(BM_ReadCpuid)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
