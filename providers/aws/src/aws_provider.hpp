// Amazon EC2: the instance catalog (catalog.json beside this folder) and
// detection from DMI (the Nitro hypervisor names the vendor "Amazon EC2" and
// puts the instance type in product_name) and from the instance metadata
// service, IMDSv2 (PUT a session token, then GET with it).
#pragma once

#include "spackext/services/provider.hpp"

namespace spackext::aws {

class AwsProvider final : public CatalogProvider {
 public:
  // 169.254.169.254, or SPACK_EXT_AWS_METADATA_URL; DMI root SPACK_EXT_DMI_ROOT.
  static CloudProbe default_probe();
  explicit AwsProvider(CloudProbe probe = default_probe());
  ProviderDetection detect() override;

 private:
  CloudProbe probe_;
};

}  // namespace spackext::aws
