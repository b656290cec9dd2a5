#include "azure_provider.hpp"

SPACKEXT_EMBED_TEXT_FILE(spackext_azure_catalog_json, SPACKEXT_AZURE_CATALOG_FILE);

namespace spackext::azure {

namespace {
constexpr const char* kVendor = "Microsoft Corporation";
// Every Azure VM reports this chassis asset tag (Hyper-V on-prem does not).
constexpr const char* kAzureAssetTag = "7783-7084-3265-9085-8269-3286-77";
}  // namespace

CloudProbe AzureProvider::default_probe() {
  return CloudProbe::from_environment("SPACK_EXT_AZURE_METADATA_URL", "http://169.254.169.254");
}

AzureProvider::AzureProvider(CloudProbe probe)
    : CatalogProvider(nlohmann::json::parse(spackext_azure_catalog_json)), probe_(std::move(probe)) {}

ProviderDetection AzureProvider::detect() {
  ProviderDetection result;
  const bool dmi_match = read_dmi_field(probe_.dmi_root, "sys_vendor") == kVendor &&
                         read_dmi_field(probe_.dmi_root, "chassis_asset_tag") == kAzureAssetTag;
  if (dmi_match) {
    result.detected = true;
    result.confidence = 0.7;
    result.details["source"] = "dmi";
  }
  if (!dmi_match && !probe_.always_query_metadata) return result;

  auto answer = query_metadata(probe_, {.url = std::string("/metadata/instance?api-version=") + kImdsApiVersion,
                                        .headers = {{"Metadata", "true"}}});
  if (!answer) return result;
  auto instance = nlohmann::json::parse(answer->body, nullptr, false);
  if (!instance.is_object() || !instance.contains("compute")) return result;
  const auto& compute = instance["compute"];
  result.detected = true;
  result.confidence = 0.95;
  result.details["source"] = "imds";
  result.details["instance_type"] = compute.value("vmSize", "");
  result.details["region"] = compute.value("location", "");
  result.details["zone"] = compute.value("zone", "");
  return result;
}

}  // namespace spackext::azure
