#include "configs_health_check.hpp"

#include <cstdlib>

#include "scope_validator.hpp"

namespace spackext::config {

namespace fs = std::filesystem;

ConfigsHealthCheck::~ConfigsHealthCheck() = default;

std::vector<HealthResult> check_spack_scope(const fs::path& scope, const ScopeValidator& validator) {
  std::vector<HealthResult> out;
  std::error_code ec;
  if (!fs::is_directory(scope, ec)) {
    out.push_back({"Spack scope", HealthStatus::fail, scope.string() + " is not a folder",
                   "give the folder that holds packages.yaml, config.yaml, ...", {{"scope", scope.string()}}});
    return out;
  }
  std::size_t files = 0;
  for (const auto& section : ScopeValidator::sections()) files += fs::exists(scope / (section + ".yaml"), ec);
  for (const auto& issue : validator.validate_scope(scope)) {
    out.push_back({"Spack scope", HealthStatus::fail, issue.to_string(),
                   "fix " + issue.file + " line " + std::to_string(issue.line) +
                       " (spack-ext config validate shows every problem)",
                   {{"file", issue.file}, {"line", issue.line}, {"key", issue.key}, {"message", issue.message}}});
  }
  if (out.empty())
    out.push_back({"Spack scope", HealthStatus::ok,
                   scope.string() + ": " + std::to_string(files) + " configuration file(s), all valid", "",
                   {{"scope", scope.string()}, {"files", files}}});
  return out;
}

std::vector<HealthResult> ConfigsHealthCheck::run(const HealthRequest& request) {
  std::vector<HealthResult> out;
  // The host refuses to start on a broken scope of its own (exit 2, file:line),
  // so what is listed here was read; a source that vanished since is reported.
  std::size_t files = 0;
  for (const auto& source : sources_) {
    if (source == "environment") continue;
    ++files;
    std::error_code ec;
    if (!fs::is_regular_file(source, ec))
      out.push_back({"spack-ext scope", HealthStatus::warn, source + " was read but is gone now", "", {{"file", source}}});
  }
  if (out.empty())
    out.push_back({"spack-ext scopes", HealthStatus::ok,
                   files ? std::to_string(files) + " file(s) read, all valid" : "none (built-in defaults)", "",
                   {{"files", sources_}}});

  fs::path scope = request.spack_scope;
  if (scope.empty()) {
    // No scope given: the user scope Spack reads on every command, if any.
    const char* home = std::getenv("HOME");
    std::error_code ec;
    if (home && fs::is_directory(fs::path(home) / ".spack", ec)) scope = fs::path(home) / ".spack";
  }
  if (scope.empty()) {
    out.push_back({"Spack scope", HealthStatus::skipped, "none given and no ~/.spack",
                   "pass --spack-scope DIR to check a site scope", nlohmann::json::object()});
    return out;
  }
  ScopeValidator validator;
  for (auto& r : check_spack_scope(scope, validator)) out.push_back(std::move(r));
  return out;
}

}  // namespace spackext::config
