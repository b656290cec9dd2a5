#include "aws_provider.hpp"

SPACKEXT_EMBED_TEXT_FILE(spackext_aws_catalog_json, SPACKEXT_AWS_CATALOG_FILE);

namespace spackext::aws {

namespace {
constexpr const char* kVendor = "Amazon EC2";
}

CloudProbe AwsProvider::default_probe() {
  return CloudProbe::from_environment("SPACK_EXT_AWS_METADATA_URL", "http://169.254.169.254");
}

AwsProvider::AwsProvider(CloudProbe probe)
    : CatalogProvider(nlohmann::json::parse(spackext_aws_catalog_json)), probe_(std::move(probe)) {}

ProviderDetection AwsProvider::detect() {
  ProviderDetection result;
  const bool dmi_match = read_dmi_field(probe_.dmi_root, "sys_vendor") == kVendor ||
                         read_dmi_field(probe_.dmi_root, "board_vendor") == kVendor ||
                         read_dmi_field(probe_.dmi_root, "bios_version").find("amazon") != std::string::npos;
  if (dmi_match) {
    result.detected = true;
    result.confidence = 0.7;
    result.details["source"] = "dmi";
    // On Nitro instances product_name is the instance type.
    std::string product = read_dmi_field(probe_.dmi_root, "product_name");
    if (instance_catalog()["instance_types"].contains(product)) result.details["instance_type"] = product;
  }
  if (!dmi_match && !probe_.always_query_metadata) return result;

  auto token = query_metadata(probe_, {.method = "PUT",
                                       .url = "/latest/api/token",
                                       .headers = {{"X-aws-ec2-metadata-token-ttl-seconds", "60"}},
                                       .body = std::string()});
  if (!token) return result;
  auto document = query_metadata(probe_, {.url = "/latest/dynamic/instance-identity/document",
                                          .headers = {{"X-aws-ec2-metadata-token", token->body}}});
  if (!document) return result;
  auto identity = nlohmann::json::parse(document->body, nullptr, false);
  if (!identity.is_object() || !identity.contains("instanceType")) return result;
  result.detected = true;
  result.confidence = 0.95;
  result.details["source"] = "imds";
  result.details["instance_type"] = identity.value("instanceType", "");
  result.details["region"] = identity.value("region", "");
  result.details["availability_zone"] = identity.value("availabilityZone", "");
  result.details["architecture"] = identity.value("architecture", "");
  return result;
}

}  // namespace spackext::aws
