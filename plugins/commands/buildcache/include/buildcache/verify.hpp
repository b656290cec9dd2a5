// `buildcache verify`: every referenced object's sha256 (and size) against
// the metadata that names it, every clearsigned file against a keyring, and
// each index against the entries of its layout. Objects are hashed in
// parallel, one stream per worker, never buffered whole.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spackext/bus.hpp>
#include <spackext/services/mirror.hpp>

#include "buildcache/catalog.hpp"

namespace spackext::buildcache {

struct VerifyOptions {
  unsigned jobs = 0;  // 0 = all cores
  bool check_signatures = true;
  std::optional<std::filesystem::path> keyring;  // GnuPG home
  Bus* bus = nullptr;                            // mirror.object.verified events, progress
};

struct VerifyReport {
  std::size_t objects_checked = 0;
  std::uint64_t bytes_hashed = 0;
  std::size_t signatures_checked = 0;
  std::vector<Problem> problems;
  bool ok() const { return problems.empty(); }
  nlohmann::json to_json() const;
};

VerifyReport verify_mirror(MirrorStore& store, const Catalog& catalog, const VerifyOptions& options);

// Streams one object through SHA-256; returns {hex, size}.
std::pair<std::string, std::uint64_t> hash_object(MirrorStore& store, std::string_view key);

// True if `object` (as listed or stat'ed) holds content hashing to `sha256`:
// the store's own sha256 where it keeps one, otherwise the object is read and
// hashed. Never trusts a size, an ETag or an MD5.
bool holds_digest(MirrorStore& store, const ObjectInfo& object, const std::string& sha256);

// Differences between an index and the entries of its layout, as problems.
std::vector<Problem> check_index(const Catalog& catalog, const IndexState& index);

}  // namespace spackext::buildcache
