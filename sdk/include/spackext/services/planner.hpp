// `planner` services: turn a deployment description into a DeployPlan (the
// DAG of jobs with commands, resources and artifacts). The deploy plugin
// provides the "deploy" planner; `ci generate` looks it up here instead of
// linking the deploy plugin.
#pragma once

#include <filesystem>
#include <set>
#include <string>

#include "spackext/deploy_plan.hpp"
#include "spackext/service.hpp"

namespace spackext {

struct PlanRequest {
  std::filesystem::path config;    // a deploy.yaml, or
  std::filesystem::path graph;     // a graph file ({"nodes": [{name, tier, duration_min, deps}]})
  std::set<std::string> stages;    // only these stages (empty: all); needs on others are dropped
};

class Planner : public Service {
 public:
  static constexpr const char* kKind = "planner";
  // Bad input throws spackext::InputError naming file:line (exit 2).
  virtual DeployPlan plan(const PlanRequest& request) = 0;
};

}  // namespace spackext
