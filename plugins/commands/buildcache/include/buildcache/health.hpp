// `buildcache health`: can this mirror be used right now? Reachability and
// auth (a listing and HEADs succeed), HEAD latency p50/p95, whether the index
// reads, and a write probe (put + delete of a small object) when pushable.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <spackext/services/mirror.hpp>

namespace spackext::buildcache {

struct HealthReport {
  std::string mirror;
  bool reachable = false;
  std::string error;                 // first failure (redacted by the store)
  std::optional<double> head_p50_ms, head_p95_ms;
  bool index_readable = false;
  std::size_t index_specs = 0;
  std::optional<bool> write_ok;      // nullopt: not probed (not pushable)
  bool ok() const { return reachable && index_readable && write_ok.value_or(true); }
  nlohmann::json to_json() const;
};

HealthReport check_health(MirrorStore& store, bool probe_write, int head_samples = 9);

}  // namespace spackext::buildcache
