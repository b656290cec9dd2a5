// In-process costs of `config`: schema compilation, scope validation and
// template rendering (the whole-process timing is generate_timing.sh).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "scope_validator.hpp"
#include "template_store.hpp"

namespace {

namespace fs = std::filesystem;
using namespace spackext::config;

const fs::path kFixtures = fs::path(SPACKEXT_SHARED_DIR) / "fixtures" / "spack";

void BM_CompileSchemas(benchmark::State& state) {
  for (auto _ : state) {
    ScopeValidator v;
    benchmark::DoNotOptimize(&v);
  }
}
BENCHMARK(BM_CompileSchemas)->Unit(benchmark::kMicrosecond);

void BM_ValidateFixture(benchmark::State& state, const char* relative) {
  const fs::path file = kFixtures / relative;
  if (!fs::exists(file)) {
    state.SkipWithError("shared fixture missing");
    return;
  }
  ScopeValidator v;
  for (auto _ : state) benchmark::DoNotOptimize(v.validate_file(file));
}
BENCHMARK_CAPTURE(BM_ValidateFixture, packages_valid, "config/packages.valid.yaml")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ValidateFixture, mirrors, "config/mirrors.generated-by-spack-mirror-add.yaml")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ValidateFixture, modules, "modules/modules.yaml")->Unit(benchmark::kMicrosecond);

void BM_RenderPackagesTemplate(benchmark::State& state) {
  const fs::path tmpl = fs::path(SPACKEXT_TEMPLATES_DIR) / "site-config" / "default" / "packages.yaml.mustache";
  nlohmann::json ctx{{"target", "zen4"}, {"mpi_provider", "openmpi"}, {"site_name", "bench"},
                     {"packages", nlohmann::json::array()}};
  for (int i = 0; i < 20; ++i) {
    ctx["packages"].push_back({{"name", "pkg" + std::to_string(i)},
                               {"has_externals", true},
                               {"externals", {{{"spec", "pkg" + std::to_string(i) + "@1.2.3"}, {"prefix", "/usr"}}}}});
  }
  for (auto _ : state) benchmark::DoNotOptimize(render_template(tmpl, ctx));
}
BENCHMARK(BM_RenderPackagesTemplate)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
