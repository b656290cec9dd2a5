// `tools` health check (registered by the config plugin, which owns the
// version probes): the build tools Spack calls itself, each found and
// answering its version query.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <spackext/services/health.hpp>

#include "probe_cache.hpp"

namespace spackext::config {

struct BuildTool {
  std::string name;               // as on PATH: "make"
  std::vector<std::string> args;  // the version query
  std::string pattern;            // first group is the version
};

// make, cmake, patch, tar, gzip, bzip2, xz, unzip, git, python3.
const std::vector<BuildTool>& build_tools();
// The version in a tool's banner; empty if the pattern does not match.
std::string parse_tool_version(const BuildTool& tool, const std::string& banner);

class ToolsHealthCheck final : public HealthCheck {
 public:
  explicit ToolsHealthCheck(std::shared_ptr<ProbeCache> cache) : cache_(std::move(cache)) {}
  std::string title() const override { return "Build tools Spack needs, with versions"; }
  std::vector<HealthResult> run(const HealthRequest& request) override;

 private:
  std::shared_ptr<ProbeCache> cache_;
};

}  // namespace spackext::config
