// `health` services: one check each for `spack-ext health check` (compilers,
// disk, tools, configs, modules, mirrors, plugins, spack, ...). A site adds its
// own check by registering a HealthCheck from its plugin:
//
//   host.registry().add<spackext::HealthCheck>("scratch", std::make_shared<ScratchCheck>());
//
// and declaring {"kind": "health", "name": "scratch"} in its plugin.json, so
// `health check` finds it from the manifest and loads it.
//
// A check returns one result per thing it looked at (a compiler, a path, a
// mirror): what it saw and, when not ok, what to do about it. Checks run
// concurrently, so run() must not touch shared state without a lock.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/service.hpp"

namespace spackext {

// Ordered by severity: the worst status of a check is its status.
enum class HealthStatus { ok, skipped, warn, fail };

inline std::string_view to_string(HealthStatus s) noexcept {
  switch (s) {
    case HealthStatus::ok: return "ok";
    case HealthStatus::skipped: return "skipped";
    case HealthStatus::warn: return "warn";
    case HealthStatus::fail: return "fail";
  }
  return "fail";
}

struct HealthResult {
  std::string item;    // what was looked at: "gcc", "install tree", a mirror's name
  HealthStatus status = HealthStatus::ok;
  std::string value;   // what was seen: "12.2.0 at /usr/bin/gcc", "41.2 GiB free (18%)"
  std::string advice;  // what to do; empty when there is nothing to do
  nlohmann::json data = nlohmann::json::object();  // machine-readable details for --json
};

// What `health check` was asked for; the same for every check of one run.
struct HealthRequest {
  bool network = true;                    // false (--offline): network checks report skipped
  bool verbose = false;                   // checks may add detail to their values
  std::filesystem::path spack_scope;      // a Spack configuration scope to look at; empty if none
};

class HealthCheck : public Service {
 public:
  static constexpr const char* kKind = "health";
  // One line for humans: "Compilers found and runnable".
  virtual std::string title() const = 0;
  // True if the check talks to other machines; skipped by --offline.
  virtual bool needs_network() const { return false; }
  // Never empty. May throw: the command reports the check as failed with the message.
  virtual std::vector<HealthResult> run(const HealthRequest& request) = 0;
};

}  // namespace spackext
