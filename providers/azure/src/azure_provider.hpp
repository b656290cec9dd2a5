// Microsoft Azure: the VM size catalog (catalog.json beside this folder) and
// detection from DMI (vendor "Microsoft Corporation" with Azure's fixed
// chassis asset tag) and from the Instance Metadata Service (header
// "Metadata: true", an api-version query parameter).
#pragma once

#include "spackext/services/provider.hpp"

namespace spackext::azure {

// The IMDS API version asked for (one that returns compute.vmSize and location).
inline constexpr const char* kImdsApiVersion = "2021-02-01";

class AzureProvider final : public CatalogProvider {
 public:
  // 169.254.169.254, or SPACK_EXT_AZURE_METADATA_URL; DMI root SPACK_EXT_DMI_ROOT.
  static CloudProbe default_probe();
  explicit AzureProvider(CloudProbe probe = default_probe());
  ProviderDetection detect() override;

 private:
  CloudProbe probe_;
};

}  // namespace spackext::azure
