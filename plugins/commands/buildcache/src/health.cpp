#include "buildcache/health.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>
#include <vector>

#include "buildcache/index_store.hpp"

namespace spackext::buildcache {

nlohmann::json HealthReport::to_json() const {
  nlohmann::json j = {{"mirror", mirror}, {"ok", ok()}, {"reachable", reachable}, {"index_readable", index_readable},
                      {"index_specs", index_specs}};
  j["error"] = error.empty() ? nlohmann::json(nullptr) : nlohmann::json(error);
  j["head_p50_ms"] = head_p50_ms ? nlohmann::json(*head_p50_ms) : nlohmann::json(nullptr);
  j["head_p95_ms"] = head_p95_ms ? nlohmann::json(*head_p95_ms) : nlohmann::json(nullptr);
  j["write_ok"] = write_ok ? nlohmann::json(*write_ok) : nlohmann::json(nullptr);
  return j;
}

HealthReport check_health(MirrorStore& store, bool probe_write, int head_samples) {
  HealthReport r;
  r.mirror = store.url();
  try {
    // A HEAD of the object clients read first; absent is fine, failing is not.
    std::vector<double> ms;
    for (int i = 0; i < head_samples; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      store.stat("v3/manifests/index/index.manifest.json");
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    r.reachable = true;
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * (ms.size() - 1) + 0.5))]; };
    r.head_p50_ms = at(0.50);
    r.head_p95_ms = at(0.95);
  } catch (const std::exception& e) {
    r.error = e.what();
    return r;
  }
  try {
    if (auto idx = load_index(store)) {
      r.index_readable = true;
      r.index_specs = idx->index.in_buildcache_count();
    } else {
      r.error = "no index (run update-index)";
    }
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  if (probe_write && store.pushable()) {
    const std::string key = ".spackext-health/probe-" + std::to_string(std::random_device{}());
    const std::string data = "spack-ext write probe\n";
    try {
      put_bytes(store, key, data);
      store.remove(key);
      r.write_ok = true;
    } catch (const std::exception& e) {
      r.write_ok = false;
      if (r.error.empty()) r.error = e.what();
    }
  }
  return r;
}

}  // namespace spackext::buildcache
