// `product install`: the software tarball unpacked into a staging folder
// beside the prefix (same filesystem), relocated there, then renamed into
// place in one step. Killed at any moment, it leaves either no prefix or the
// complete install; a later run removes the abandoned staging folder.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "product_manifest.hpp"

namespace spackext::product {

struct InstallResult {
  ProductManifest manifest;
  std::filesystem::path prefix;
  nlohmann::json to_json() const;
};

InstallResult install_product(const std::filesystem::path& tarball, const std::filesystem::path& prefix);

}  // namespace spackext::product
