// `disk` health check: free space where Spack installs, stages and caches,
// against thresholds from spack-ext's configuration:
//
//   health:
//     disk:
//       warn_below_gib: 20      # default 20
//       fail_below_gib: 5       # default 5
//       paths: {install: DIR, stage: DIR, cache: DIR}   # override what Spack would use
//
// Without overrides the paths come from the given Spack scope's config.yaml
// (install_tree:root, build_stage, source_cache), else Spack's defaults.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <spackext/config.hpp>
#include <spackext/services/health.hpp>

namespace spackext::health {

struct DiskTarget {
  std::string role;             // install, stage, cache
  std::filesystem::path path;   // as configured, variables expanded
  std::string source;           // where the path came from: "spack-ext config", "<scope>/config.yaml", "Spack default"
};

struct DiskThresholds {
  double warn_below_gib = 20;
  double fail_below_gib = 5;
};

// InputError naming the key when a threshold is not a number or warn < fail.
DiskThresholds disk_thresholds(const Config& config);

// Expands Spack's path variables ($spack, $user, $tempdir, $user_cache_path, ~).
// `spack_root` empty: a path using $spack cannot be expanded (nullopt).
std::optional<std::filesystem::path> expand_spack_path(const std::string& text,
                                                       const std::filesystem::path& spack_root);

// The three paths, for a Spack checkout at `spack_root` (may be empty) and an
// optional scope folder. A role whose path cannot be known is left out.
std::vector<DiskTarget> disk_targets(const Config& config, const std::filesystem::path& spack_scope,
                                     const std::filesystem::path& spack_root);

// The result for one path: statvfs of the path, or of its nearest existing
// parent when it is not created yet.
HealthResult measure_disk(const DiskTarget& target, const DiskThresholds& thresholds);

class DiskCheck final : public HealthCheck {
 public:
  explicit DiskCheck(Config config) : config_(std::move(config)) {}
  std::string title() const override { return "Disk space on the install, stage and cache paths"; }
  std::vector<HealthResult> run(const HealthRequest& request) override;

 private:
  Config config_;
};

}  // namespace spackext::health
