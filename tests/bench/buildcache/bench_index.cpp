// list/query on a generated buildcache index of 100,000 specs (v5 nodes
// shaped like Spack's: arch, parameters, compiler dependency, deps).
#include <benchmark/benchmark.h>

#include <random>

#include <simdjson.h>

#include "buildcache/index.hpp"
#include "buildcache/query.hpp"
#include "buildcache/spack_json.hpp"

namespace {

using namespace spackext::buildcache;

std::string make_index(std::size_t n) {
  std::mt19937 rng(1);
  const char* alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  auto hash = [&] {
    std::string h(32, 'a');
    for (auto& c : h) c = alphabet[rng() % 32];
    return h;
  };
  Json installs = Json::object();
  std::vector<std::string> hashes;
  const std::string gcc = hash();
  Json gnode = {{"name", "gcc"}, {"version", "12.2.0"},
                {"arch", {{"platform", "linux"}, {"platform_os", "debian12"}, {"target", "x86_64_v4"}}},
                {"namespace", "builtin"}, {"external", {{"path", "/usr"}, {"module", nullptr}}}, {"hash", gcc}};
  installs[gcc] = {{"spec", gnode}, {"ref_count", n}, {"in_buildcache", false}};
  for (std::size_t i = 0; i < n; ++i) {
    auto h = hash();
    Json node = Json::object();
    node["name"] = "pkg" + std::to_string(i % 5000);
    node["version"] = std::to_string(i % 7) + "." + std::to_string(i % 13);
    node["arch"] = {{"platform", "linux"}, {"platform_os", "debian12"}, {"target", i % 2 ? "x86_64_v4" : "zen3"}};
    node["namespace"] = "builtin";
    node["parameters"] = {{"build_system", "cmake"}, {"cflags", Json::array()}, {"cppflags", Json::array()},
                          {"cxxflags", Json::array()}, {"fflags", Json::array()}, {"ldflags", Json::array()},
                          {"ldlibs", Json::array()}, {"shared", true}};
    node["package_hash"] = hash() + hash();
    Json deps = Json::array();
    deps.push_back({{"name", "gcc"}, {"hash", gcc}, {"parameters", {{"deptypes", {"build"}}, {"virtuals", {"c", "cxx"}}}}});
    for (int d = 0; d < 3 && !hashes.empty(); ++d)
      deps.push_back({{"name", "dep"}, {"hash", hashes[rng() % hashes.size()]},
                      {"parameters", {{"deptypes", {"build", "link"}}, {"virtuals", Json::array()}}}});
    node["dependencies"] = deps;
    node["annotations"] = {{"original_specfile_version", 5}};
    node["hash"] = h;
    installs[h] = {{"spec", node}, {"ref_count", 1}, {"in_buildcache", true}};
    hashes.push_back(h);
  }
  Json db;
  db["database"] = {{"version", "8"}, {"installs", installs}};
  return dump_compact(db);
}

const std::string& index_text() {
  static const std::string text = [] {
    auto t = make_index(100000);
    t.reserve(t.size() + kIndexParsePadding);  // as read_object leaves it
    return t;
  }();
  return text;
}

void BM_ParseIndex100k(benchmark::State& state) {
  const auto& text = index_text();
  for (auto _ : state) {
    auto idx = parse_index(text, "bench");
    benchmark::DoNotOptimize(idx.records.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["index_MB"] = static_cast<double>(text.size()) / 1e6;
}
// Records are built on all cores, so time is wall-clock time, not the main
// thread's CPU time.
BENCHMARK(BM_ParseIndex100k)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

// The same, with the previous result's destruction (100,000 records of
// strings) left out of the timing: what `list` pays before its first line.
void BM_ParseIndex100kWithoutFree(benchmark::State& state) {
  const auto& text = index_text();
  for (auto _ : state) {
    auto* idx = new BuildcacheIndex(parse_index(text, "bench"));
    state.PauseTiming();
    delete idx;
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseIndex100kWithoutFree)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

// The ceiling: simdjson's DOM parse of the same bytes, nothing read out.
void BM_SimdjsonDomOnly100k(benchmark::State& state) {
  const auto& text = index_text();
  simdjson::padded_string padded(text);
  simdjson::dom::parser parser;
  for (auto _ : state) {
    simdjson::dom::element doc;
    if (parser.parse(padded).get(doc)) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(doc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_SimdjsonDomOnly100k)->Unit(benchmark::kMillisecond);

void BM_QueryIndex100k(benchmark::State& state) {
  static const auto idx = parse_index(index_text(), "bench");
  auto q = SpecQuery::parse("pkg42* @3 %gcc@12 target=x86_64_v4");
  for (auto _ : state) {
    std::size_t hits = 0;
    for (const auto& r : idx.records)
      if (r.in_buildcache && q.matches(r.spec)) ++hits;
    benchmark::DoNotOptimize(hits);
  }
}
BENCHMARK(BM_QueryIndex100k)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
