// Makes a bundle from a folder: every regular file in it (hidden ones are
// skipped), a generated <stem>.manifest.json beside each plugin holding its
// embedded manifest, MANIFEST.json with the size and sha256 of every member,
// and a detached signature of MANIFEST.json by the publisher's key.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "bundles/bundle_manifest.hpp"
#include "bundles/bundle_reader.hpp"

namespace spackext::bundles {

struct PackOptions {
  std::filesystem::path source;
  std::filesystem::path output;  // written to a temp name and renamed
  std::string name;              // the bundle name (folder it installs as)
  std::string key;               // fingerprint; empty: unsigned
  bool gzip = false;             // tar.gz instead of tar.zst
  std::string created_by;
  std::function<PluginImageCheck(std::string_view)> check_plugin_image;
  std::function<void(const std::string&)> note;
};

BundleManifest pack_bundle(const PackOptions& options);

}  // namespace spackext::bundles
