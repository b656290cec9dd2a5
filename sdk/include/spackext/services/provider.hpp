// `provider` services: where spack-ext runs (a cloud or an on-prem site).
// Each provider detects itself, knows its instance catalog and supplies the
// variables that site-config templates are rendered with.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "spackext/service.hpp"

namespace spackext {

struct ProviderDetection {
  bool detected = false;
  double confidence = 0.0;  // 0..1; the host picks the most confident provider
  nlohmann::json details = nlohmann::json::object();  // instance type, region, ...
};

class Provider : public Service {
 public:
  static constexpr const char* kKind = "provider";
  virtual ProviderDetection detect() = 0;
  // Families/types with microarchitecture, vCPUs, memory, GPUs, fabric, MPI hints.
  virtual nlohmann::json instance_catalog() const = 0;
  // Template variables for a site config, from a request such as
  // {"instance_type": "...", "region": "..."} or {} for the detected machine.
  virtual nlohmann::json site_context(const nlohmann::json& request) = 0;
};

}  // namespace spackext
