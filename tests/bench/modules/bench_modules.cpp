// In-process cost of `modules generate` (every file written) and `modules
// refresh` (nothing changed: every file read and kept) for a stack of
// 3 compilers x 3 MPIs x 50 applications, with prefixes on disk.
#include <benchmark/benchmark.h>

#include <spackext_testing/testing.hpp>

#include "generated_tree.hpp"
#include "synthetic_stack.hpp"

namespace {

namespace st = spackext::testing;
namespace sm = spackext::testing::modules;

struct Stack {
  st::TempDir dir{"spackext-bench-modules"};
  std::size_t specs = 0;
  Stack() {
    sm::StackShape shape;
    shape.compilers = {{"gcc", "14.2.0"}, {"aocc", "5.0.0"}, {"intel-oneapi-compilers", "2025.0.0"}};
    shape.mpis = {{"openmpi", "5.0.5"}, {"mpich", "4.2.3"}, {"mvapich2", "2.3.7"}};
    shape.packages = 50;
    auto lock = sm::synthetic_lockfile(shape);
    specs = lock["concrete_specs"].size();
    st::write_file(dir / "spack.lock", lock.dump());
    sm::create_prefixes(lock, dir / "opt/spack");
    st::write_file(dir / "modules.yaml",
                   "modules:\n  default:\n    lmod:\n      core_compilers: ['gcc@12.2.0']\n      hierarchy: [mpi]\n"
                   "      all:\n        environment:\n          set:\n            '{name}_ROOT': '{prefix}'\n");
  }
  spackext::modules::GenerateOptions options(const std::string& system, bool refresh) const {
    spackext::modules::GenerateOptions o;
    o.source = (dir / "spack.lock").string();
    o.root = dir / ("modules-" + system);
    o.system = system;
    o.config = dir / "modules.yaml";
    o.install_root = (dir / "opt/spack").string();
    o.refresh = refresh;
    return o;
  }
};

Stack& stack() {
  static Stack s;
  return s;
}

void generate(benchmark::State& state, const std::string& system, bool refresh) {
  auto& s = stack();
  auto generator = sm::make_generator();
  for (auto _ : state) benchmark::DoNotOptimize(generator.run(s.options(system, refresh)));
  state.counters["specs"] = static_cast<double>(s.specs);
  state.counters["specs/s"] = benchmark::Counter(static_cast<double>(s.specs), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_GenerateLmod(benchmark::State& state) { generate(state, "lmod", false); }
void BM_RefreshLmodUnchanged(benchmark::State& state) { generate(state, "lmod", true); }
void BM_GenerateTcl(benchmark::State& state) { generate(state, "tcl", false); }

BENCHMARK(BM_GenerateLmod)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RefreshLmodUnchanged)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_GenerateTcl)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
