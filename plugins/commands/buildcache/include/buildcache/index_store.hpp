// Reading and publishing a mirror's index on a store, in each layout.
//   v3:  blob blobs/sha256/xx/<sha>, then v3/manifests/index/index.manifest.json
//   v2:  build_cache/index.json, then build_cache/index.json.hash
//   OCI: blob, then the `index.spack` manifest ({} config, one layer)
// The object that readers look at first (manifest, hash file, tag) is written
// last, with If-Match on the version read before rebuilding, so concurrent
// writers cannot silently overwrite each other: the loser rebuilds and retries.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>

#include <spackext/services/mirror.hpp>

#include "buildcache/catalog.hpp"

namespace spackext::buildcache {

struct LoadedIndex {
  Layout layout;
  std::string key;
  BuildcacheIndex index;
};

// The mirror's index, preferring v3, then v2, then OCI (as Spack probes);
// nullopt if the mirror has none.
std::optional<LoadedIndex> load_index(MirrorStore& store);

struct PublishedIndex {
  Layout layout;
  std::string key;
  std::string sha256;
  std::size_t specs = 0;
  bool changed = false;  // false when the stored index was already this one
  // Incremental updates: started from the stored index (else rebuilt in full,
  // for full_reason), with what was read and what was copied.
  bool incremental = false;
  std::string full_reason;
  std::size_t added = 0, removed = 0, changed_specs = 0, reused = 0;
};

struct IndexUpdateOptions {
  ScanOptions scan;
  int max_attempts = 5;
  // Entries whose metadata cannot be read, or whose tarball or spec blob is
  // missing, are an error naming the object (nothing is published); with
  // skip_broken they are left out of the index and passed to on_broken.
  bool skip_broken = false;
  std::function<void(const Problem&)> on_broken;
  // Metadata keys to index as if already deleted (prune publishes the index
  // without what it is about to delete, before deleting it).
  std::set<std::string> exclude;
  // Start from the stored v2/v3 index and read only the spec metadata that
  // is new or rewritten since (incremental_index.hpp); a layout whose index
  // cannot be the starting point is rebuilt in full, saying why. The result
  // is the index a full rebuild writes, with one exception kept for speed:
  // the v3 blobs (tarball, spec) of specs whose manifest did not change
  // are not looked for again.
  bool incremental = false;
};

// Rebuilds the index of every layout in the catalog from its complete
// entries and publishes it. Retries (rescanning) when another writer got in
// between (PreconditionFailed); a store that refuses conditions gets an
// unconditional publish, as Spack does.
std::vector<PublishedIndex> update_indexes(MirrorStore& store, const IndexUpdateOptions& options = {});

}  // namespace spackext::buildcache
