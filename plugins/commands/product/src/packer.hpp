// `product pack`: source -> staged software -> pack-time relocation ->
// product.json -> software tarball, then the module tarball (published
// last). Everything is built in a work folder inside the output folder and
// renamed into place; a failure leaves the output folder as it was.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spackext/bus.hpp>
#include <spackext/registry.hpp>

#include "product_manifest.hpp"

namespace spackext::product {

struct PackOptions {
  std::string spec;
  std::string from;  // buildcache (name, URL, folder)
  std::string prefix_variable;
  std::filesystem::path output;
  std::optional<std::string> default_prefix;
  std::optional<std::filesystem::path> keyring;
  bool allow_unsigned = false;
};

struct PackResult {
  ProductManifest manifest;
  std::filesystem::path software_tarball;
  std::filesystem::path module_tarball;
  std::vector<std::string> module_files;
  std::vector<std::string> warnings;
  nlohmann::json to_json() const;
};

// InputError (exit 2) for a bad variable name or default prefix before
// anything is read.
void check_pack_options(const PackOptions& options);

PackResult pack_product(Registry& registry, Bus* bus, const PackOptions& options);

}  // namespace spackext::product
