// `modules` services: write module files (Lmod .lua, Tcl) for installed
// specs, optionally as an Lmod Core/Compiler/MPI hierarchy.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/service.hpp"

namespace spackext {

class ModuleWriter : public Service {
 public:
  static constexpr const char* kKind = "modules";
  // `request`: {"specs": [...spec nodes...], "root": dir, "config": modules.yaml set,
  // "prefix_variable": "SITE_ROOT"}; returns the paths written, relative to root.
  virtual std::vector<std::string> write(const nlohmann::json& request) = 0;
};

}  // namespace spackext
