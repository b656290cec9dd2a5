#include "buildcache/mirrors_health_check.hpp"

#include <cstdio>

#include "buildcache/health.hpp"
#include "buildcache/mirror_access.hpp"
#include "buildcache/mirror_config.hpp"

namespace spackext::buildcache {

namespace {

std::string ms(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", v);
  return buf;
}

}  // namespace

std::vector<HealthResult> MirrorsHealthCheck::run(const HealthRequest&) {
  std::vector<HealthResult> out;
  MirrorsConfig config;
  try {
    config = MirrorsConfig::load(mirrors_file_);
  } catch (const std::exception& e) {
    out.push_back({"mirrors.yaml", HealthStatus::fail, e.what(), "fix the file (spack-ext buildcache list-mirrors)",
                   nlohmann::json::object()});
    return out;
  }
  for (auto it = config.mirrors().begin(); it != config.mirrors().end(); ++it) {
    const std::string name = it.key();
    HealthReport report;
    try {
      auto opened = open_mirror(registry_, config, name, /*push=*/false);
      report = check_health(*opened.store, /*probe_write=*/false, /*head_samples=*/3);
      report.mirror = redact_url(opened.url);
    } catch (const std::exception& e) {
      report.mirror = name;
      report.error = e.what();
    }
    HealthResult r{name, HealthStatus::ok, "", "", report.to_json()};
    if (!report.reachable) {
      r.status = HealthStatus::fail;
      r.value = report.mirror + " unreachable: " + report.error;
      r.advice = "check the URL, the network and the credentials (spack-ext buildcache health " + name + ")";
    } else {
      r.value = report.mirror + ", HEAD p50 " + ms(*report.head_p50_ms);
      if (report.index_readable) {
        r.value += ", index of " + std::to_string(report.index_specs) + " spec(s)";
      } else {
        r.status = HealthStatus::warn;
        r.value += ", " + (report.error.empty() ? std::string("no index") : report.error);
        r.advice = "run spack-ext buildcache update-index " + name;
      }
    }
    out.push_back(std::move(r));
  }
  if (out.empty())
    out.push_back({"mirrors", HealthStatus::skipped, "no mirrors configured",
                   "add one with spack-ext buildcache add-mirror NAME URL", nlohmann::json::object()});
  return out;
}

}  // namespace spackext::buildcache
