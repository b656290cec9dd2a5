// What sync has proved about the objects of a destination: "the object at
// KEY, in the version a listing shows as (size, etag, modified), hashes to
// SHA256". A later sync that lists the same version takes that digest
// instead of reading the object back; a rewritten object shows another
// version and is hashed afresh. The ledger never stands in for a digest
// check, it remembers one, and only for stores whose etag changes with the
// content (EtagsTrackContent); the etag alone is never taken as a digest.
//
// One SQLite file in the state folder, shared by concurrent syncs; a run
// killed at any instant leaves the last committed proofs, and a missing
// ledger costs only re-reads.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <spackext/services/mirror.hpp>
#include <spackext/sqlite.hpp>

namespace spackext::buildcache {

class DigestLedger {
 public:
  // Proofs about the store at `store_url`, kept in `file`.
  DigestLedger(const std::filesystem::path& file, std::string store_url);

  // The sha256 proved for exactly this listed version of the object, or ""
  // (never proved, rewritten since, or listed without an etag or a time).
  std::string proved(const ObjectInfo& listed) const;

  // Records digests proved for the objects as listed (one transaction).
  void record(const std::vector<std::pair<ObjectInfo, std::string>>& proofs);

 private:
  struct Version {
    std::uint64_t size = 0;
    std::string etag;
    std::int64_t modified = 0;  // seconds since the epoch
    std::string sha256;
  };
  sqlite::Database db_;
  std::string store_;
  std::map<std::string, Version> known_;  // key -> last proved version
};

}  // namespace spackext::buildcache
