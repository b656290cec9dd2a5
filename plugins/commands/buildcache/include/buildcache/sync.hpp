// `buildcache sync SRC DST`: copies what DST lacks or has differently, any
// backend to any backend, streaming each object (never buffered whole) and
// checking its sha256 at the destination after the copy.
//
// Order makes every state in between valid: content (blobs, tarballs) first,
// then the metadata that points at it (manifests, spec files, OCI manifests),
// then the index, rebuilt from what DST then holds (on every run, so a run
// killed before its index is repaired by the next). Content-addressed
// objects and v2 tarballs are checked against their digest while streaming;
// "already present" means holding that digest, never only the same size. Every object is published
// atomically by its store, and objects already present and identical are
// skipped, so re-running after a crash (or kill -9) resumes where it stopped.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <spackext/bus.hpp>
#include <spackext/services/mirror.hpp>

#include "buildcache/catalog.hpp"
#include "buildcache/query.hpp"

namespace spackext::buildcache {

struct SyncOptions {
  SpecQuery only;          // entries to copy (empty = all)
  unsigned jobs = 8;
  bool dry_run = false;
  bool update_index = true;
  bool skip_broken = false;  // unreadable source metadata: warn and leave it, instead of failing
  Bus* bus = nullptr;      // mirror.object.copied / .skipped events, progress
  // The digests proved at DST are remembered here (DigestLedger) for stores
  // whose etag tracks the content, so a re-sync need not read them back.
  // Empty: every object already at DST is read and hashed.
  std::filesystem::path ledger;
};

struct SyncReport {
  std::size_t specs = 0;
  std::size_t copied = 0, skipped = 0;
  std::uint64_t bytes_copied = 0;
  std::size_t read_back = 0;  // copies checked by reading them back (the rest the store proved)
  std::size_t rehashed = 0;   // objects already at DST read and hashed to compare (the rest the ledger knew)
  std::vector<std::string> planned;  // keys that needed copying (dry run: would be copied)
  std::vector<std::string> indexes;  // index keys checked (and if needed republished) at DST
  std::size_t index_changed = 0;     // of those, how many had to be rewritten
  std::vector<Problem> broken;       // objects left out (skip_broken)
};

SyncReport sync_mirrors(MirrorStore& src, MirrorStore& dst, const SyncOptions& options);

// Streams one object from `src` to `dst`, hashing on the way; if
// `expected_sha256` is given, bytes that do not hash to it fail the put
// before the store publishes anything. Then checks the copy: a store that
// VerifiesPuts proved the bytes on upload, any other is read back and
// compared (`read_back` tells which). Returns the sha256; `stored` gets the
// object as DST's put reported it (its etag).
// Throws Error naming the key and both mirrors on any mismatch.
std::string copy_object(MirrorStore& src, MirrorStore& dst, const ObjectInfo& object,
                        const std::string& content_type = {}, bool* read_back = nullptr,
                        const std::string& expected_sha256 = {}, ObjectInfo* stored = nullptr);

}  // namespace spackext::buildcache
