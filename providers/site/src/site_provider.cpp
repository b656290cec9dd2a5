#include "site_provider.hpp"

namespace spackext::site {

SiteProvider::SiteProvider(SiteProbe probe) : probe_(std::move(probe)) {}

nlohmann::json SiteProvider::site_context(const nlohmann::json& /*request*/) {
  nlohmann::json context{{"provider", "site"}};
  auto slurm = detect_slurm(probe_);
  context["slurm"] = slurm ? to_json(*slurm) : nlohmann::json();
  context["filesystems"] = nlohmann::json::array();
  for (const auto& fs : shared_filesystems(probe_)) context["filesystems"].push_back(to_json(fs));
  auto modules = detect_module_system(probe_);
  context["module_system"] = modules ? to_json(*modules) : nlohmann::json();
  return context;
}

ProviderDetection SiteProvider::detect() {
  ProviderDetection result;
  result.details = site_context({});
  result.detected = !result.details["slurm"].is_null() || !result.details["module_system"].is_null() ||
                    !result.details["filesystems"].empty();
  result.confidence = result.detected ? 0.3 : 0.0;
  return result;
}

nlohmann::json SiteProvider::instance_catalog() const {
  return {{"provider", "site"}, {"families", nlohmann::json::object()},
          {"instance_types", nlohmann::json::object()}};
}

}  // namespace spackext::site
