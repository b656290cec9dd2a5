// MANIFEST.json of a plugin bundle: what the publisher signed. Every member
// of the archive is listed with its size, sha256 and mode; every plugin with
// the identity its embedded manifest declares. packaging/bundle/README.md
// documents the format.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spackext::bundles {

inline constexpr const char* kBundleFormat = "spack-ext-bundle/1";
inline constexpr const char* kManifestMember = "MANIFEST.json";
inline constexpr const char* kSignatureMember = "MANIFEST.json.sig";

struct BundleFile {
  std::string path;     // relative, '/'-separated, checked by check_member_path
  std::uint64_t size = 0;
  std::string sha256;   // lowercase hex
  bool executable = false;  // installed 0755 instead of 0644
};

struct BundlePlugin {
  std::string file;      // the .so member
  std::string manifest;  // its sidecar member (<stem>.manifest.json)
  std::string name;
  std::string version;
  std::string api_version;
  std::string abi;
};

struct BundleManifest {
  std::string name;      // the folder it is installed as
  std::string created_by;
  std::vector<BundleFile> files;
  std::vector<BundlePlugin> plugins;

  const BundleFile* find(std::string_view path) const;
  std::uint64_t total_size() const;

  // Parses and validates (format, names, paths, duplicates, hex digests).
  // Throws InputError naming `source` and the offending key.
  static BundleManifest parse(std::string_view text, const std::string& source);
  std::string dump() const;  // the canonical text that gets signed
};

// A bundle or plugin name: [a-z0-9][a-z0-9._+-]*, at most 64 characters.
bool valid_bundle_name(std::string_view name);
// Why `path` may not be a member ("" if it may): relative, no "." or ".."
// components, no empty components, no backslashes or control characters,
// at most 8 levels and 255 bytes, not one of the bundle's own files.
std::string member_path_problem(std::string_view path);

}  // namespace spackext::bundles
