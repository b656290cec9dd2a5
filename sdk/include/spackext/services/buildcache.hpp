// `buildcache` services: one package of a Spack buildcache, read for reuse by
// other plugins (product bundles, ...), verified the way `spack install
// --cache-only` checks it: the clearsigned metadata against a keyring (unless
// unsigned entries are allowed), the spec and tarball blobs against the
// checksums that metadata records.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/service.hpp"
#include "spackext/services/mirror.hpp"

namespace spackext {

struct BuildcacheReadOptions {
  bool allow_unsigned = false;                   // accept entries without a signature
  std::optional<std::filesystem::path> keyring;  // GnuPG home; default: the buildcache plugin's
};

// An entry of the cache, as its metadata names it.
struct BuildcacheEntry {
  std::string name;
  std::string version;
  std::string hash;  // 32-char DAG hash
  std::string metadata_key;
  bool signed_ = false;
};

// An entry whose metadata was verified.
struct BuildcachePackage {
  BuildcacheEntry entry;
  nlohmann::json spec_file;  // the spec document ({"spec": {"_meta", "nodes"}}), root node first
  std::string tarball_sha256;
  std::string signer;  // fingerprint of the signing key; empty when unsigned
};

class BuildcacheView {
 public:
  virtual ~BuildcacheView() = default;
  virtual std::string url() const = 0;  // never with credentials
  // Entries matching a query (`name`, `name@version`, `/hashprefix`, terms
  // combined as `buildcache list` takes them); InputError on a bad query.
  virtual std::vector<BuildcacheEntry> find(const std::string& query) = 0;
  // The entry with this DAG hash, or nullopt when the cache has none.
  virtual std::optional<BuildcacheEntry> entry(const std::string& hash) = 0;
  // Verifies the entry's signature and spec blob; InputError (exit 2) naming
  // the object when it is unsigned (and that is not allowed), badly signed
  // or does not match its checksum.
  virtual BuildcachePackage package(const BuildcacheEntry& entry) = 0;
  // Streams the package tarball (gzip-compressed tar) to `sink`, hashing it;
  // InputError after the last byte if it does not match its checksum, so a
  // caller keeps nothing it received unless this returns.
  virtual void read_tarball(const BuildcachePackage& package, const ByteSink& sink) = 0;
};

class BuildcacheReader : public Service {
 public:
  static constexpr const char* kKind = "buildcache";
  // `mirror`: a configured mirror's name, a URL or a path (file://).
  virtual std::unique_ptr<BuildcacheView> open(const std::string& mirror, const BuildcacheReadOptions& options) = 0;
};

}  // namespace spackext
