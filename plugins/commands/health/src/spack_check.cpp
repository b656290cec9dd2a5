#include "spack_check.hpp"

#include <unistd.h>

#include <cstdlib>

#include "spack_location.hpp"

namespace spackext::health {

namespace {

// The oldest Spack whose formats (buildcache layout v2, compilers.yaml) spack-ext reads.
constexpr int kOldestMajor = 0, kOldestMinor = 23;

bool older_than_supported(const std::string& version) {
  int major = 0, minor = 0;
  if (std::sscanf(version.c_str(), "%d.%d", &major, &minor) != 2) return false;
  return major < kOldestMajor || (major == kOldestMajor && minor < kOldestMinor);
}

}  // namespace

std::vector<HealthResult> SpackCheck::run(const HealthRequest&) {
  HealthResult r;
  r.item = "spack";
  auto loc = locate_spack();
  if (!loc) {
    r.status = HealthStatus::fail;
    r.value = "not found (SPACK_ROOT unset, no spack on PATH)";
    r.advice = "clone Spack and `source <spack>/share/spack/setup-env.sh`, or set SPACK_ROOT";
    return {r};
  }
  r.data = {{"root", loc->root.string()}, {"found_by", loc->found_by}, {"version", loc->version}};
  const auto bin = loc->root / "bin" / "spack";
  if (::access(bin.c_str(), X_OK) != 0) {
    r.status = HealthStatus::fail;
    r.value = loc->found_by + " points to " + loc->root.string() + ", which has no executable bin/spack";
    r.advice = "point " + loc->found_by + " at a Spack checkout";
    return {r};
  }
  if (loc->version.empty()) {
    r.status = HealthStatus::warn;
    r.value = "version unknown at " + loc->root.string();
    r.advice = "lib/spack/spack/__init__.py declares no version; check the checkout is complete";
    return {r};
  }
  r.value = loc->version + " at " + loc->root.string() + " (" + loc->found_by + ")";
  if (older_than_supported(loc->version)) {
    r.status = HealthStatus::warn;
    r.advice = "spack-ext reads the formats of Spack 0.23 and later; upgrade Spack";
  }
  return {r};
}

}  // namespace spackext::health
