#include "gcp_provider.hpp"

SPACKEXT_EMBED_TEXT_FILE(spackext_gcp_catalog_json, SPACKEXT_GCP_CATALOG_FILE);

namespace spackext::gcp {

namespace {

constexpr const char* kProduct = "Google Compute Engine";

// "projects/123456789/zones/us-central1-a" -> "us-central1-a".
std::string last_segment(const std::string& s) { return s.substr(s.rfind('/') + 1); }

}  // namespace

CloudProbe GcpProvider::default_probe() {
  return CloudProbe::from_environment("SPACK_EXT_GCP_METADATA_URL", "http://metadata.google.internal");
}

GcpProvider::GcpProvider(CloudProbe probe)
    : CatalogProvider(nlohmann::json::parse(spackext_gcp_catalog_json)), probe_(std::move(probe)) {}

ProviderDetection GcpProvider::detect() {
  ProviderDetection result;
  const bool dmi_match = read_dmi_field(probe_.dmi_root, "product_name") == kProduct ||
                         read_dmi_field(probe_.dmi_root, "sys_vendor") == "Google";
  if (dmi_match) {
    result.detected = true;
    result.confidence = 0.7;
    result.details["source"] = "dmi";
  }
  if (!dmi_match && !probe_.always_query_metadata) return result;

  auto answer = query_metadata(probe_, {.url = "/computeMetadata/v1/instance/?recursive=true",
                                        .headers = {{"Metadata-Flavor", "Google"}}});
  // Only the real metadata server answers with the flavor header (a captive
  // portal or another service on that address does not).
  if (!answer || answer->header("metadata-flavor") != "Google") return result;
  auto instance = nlohmann::json::parse(answer->body, nullptr, false);
  if (!instance.is_object() || !instance.contains("machineType")) return result;
  const std::string zone = last_segment(instance.value("zone", ""));
  result.detected = true;
  result.confidence = 0.95;
  result.details["source"] = "metadata";
  result.details["instance_type"] = last_segment(instance.value("machineType", ""));
  result.details["zone"] = zone;
  result.details["region"] = zone.substr(0, zone.rfind('-'));  // us-central1-a -> us-central1
  return result;
}

}  // namespace spackext::gcp
