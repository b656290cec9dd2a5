// `ci` services: render a deployment plan as a CI engine's pipeline
// (GitLab CI, GitHub Actions, Jenkins, Argo Workflows, ...).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "spackext/service.hpp"

namespace spackext {

class CiGenerator : public Service {
 public:
  static constexpr const char* kKind = "ci";
  // The plan is the deploy command's JSON plan: stages, their dependencies,
  // commands, resources and artifacts.
  virtual std::string render(const nlohmann::json& plan, const nlohmann::json& options) = 0;
  virtual std::string default_file_name() const = 0;
};

}  // namespace spackext
