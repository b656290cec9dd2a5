// Google Compute Engine: the machine-type catalog (catalog.json beside this
// folder) and detection from DMI (product_name "Google Compute Engine") and
// from the metadata server (requests and answers carry "Metadata-Flavor: Google").
#pragma once

#include "spackext/services/provider.hpp"

namespace spackext::gcp {

class GcpProvider final : public CatalogProvider {
 public:
  // metadata.google.internal, or SPACK_EXT_GCP_METADATA_URL; DMI root SPACK_EXT_DMI_ROOT.
  static CloudProbe default_probe();
  explicit GcpProvider(CloudProbe probe = default_probe());
  ProviderDetection detect() override;

 private:
  CloudProbe probe_;
};

}  // namespace spackext::gcp
