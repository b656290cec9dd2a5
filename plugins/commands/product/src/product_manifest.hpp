// product.json, the first member of a software tarball (docs/product.md):
// which specs the bundle holds and where, and every place install must
// relocate - text files holding the placeholder, and strings inside binary
// files that hold a padded placeholder of a fixed length.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spackext::product {

inline constexpr const char* kManifestMember = "product.json";
inline constexpr const char* kFormat = "spack-ext-product";
inline constexpr int kFormatVersion = 1;
// What text files hold where the install prefix goes.
inline constexpr const char* kTextPlaceholder = "/__spack-ext_product_prefix__";

struct ProductSpec {
  std::string name, version, hash;
  std::string path;  // below the product root: <name>-<version>-<hash>
  std::vector<std::string> dependencies;  // hashes of packed link/run dependencies
  std::string tarball_sha256;  // of the buildcache tarball it came from (empty from an install tree)
  std::string signer;          // fingerprint of the key that signed it
};

struct LeftOut {
  std::string name, hash;
  std::string reason;  // "external" (provided by the system) or "not in the source"
};

// A C string inside a binary file that begins with a padded placeholder of
// `length` bytes standing for the prefix of the spec at `spec_path`.
struct BinaryString {
  std::string file;  // below the product root
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::string spec_path;
};

struct ProductManifest {
  std::string name, version, hash;  // the root spec
  std::string prefix_variable;
  std::string default_prefix;
  std::string source;  // where it was packed from (a URL without credentials, or a path)
  std::vector<ProductSpec> specs;  // root first
  std::vector<LeftOut> left_out;
  std::vector<std::string> text_files;  // below the product root, holding kTextPlaceholder
  std::vector<BinaryString> binary_strings;
  std::string installed_prefix;  // set in the installed copy only

  nlohmann::json to_json() const;
  // InputError naming `where` and the key for anything missing or unsafe
  // (absolute paths, '..').
  static ProductManifest from_json(const nlohmann::json& doc, const std::string& where);

  // The longest install prefix every binary string can take: a string can
  // only shrink (padded with NULs), never grow. SIZE_MAX when there are none.
  std::size_t max_prefix_length() const;
};

// "<name>-<version>-<hash7>": the stem of the tarballs' file names.
std::string bundle_stem(const ProductManifest& m);

// True for a relative path without '..', empty or '.' parts.
bool is_safe_relative(const std::string& path);

}  // namespace spackext::product
