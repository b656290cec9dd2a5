// `buildcache prune`: spackitor's job, done carefully.
//   1. candidates: entries older than --older-than (by their metadata's time)
//   2. minus the keep-list: every hash in the given spack.lock files
//      (concrete_specs, include_concrete too) — the keep-list always wins
//   3. cascade: an entry whose link/run dependency is being deleted goes too
//      (unless kept); repeated until nothing changes (fixpoint)
//   4. --orphans: blobs no metadata references and older than the grace
//      period (a push in progress uploads its blobs before its manifest)
// The index without the doomed entries is published first, so a reader never
// sees an index naming deleted objects; then metadata goes before the blobs
// it points at; then the index is rebuilt from what is left. Each object gets
// a second look just before its delete: nothing modified after the prune
// started (or, for an orphan, within the grace period) is deleted, allowing
// for clock skew and whole-second remote timestamps.
//
// On an OCI registry (oci://), which keeps no times: an image's age is its
// build archive's (`archive_timestamp` in its config; an image without one
// is never old). A spec goes by deleting its manifest by the digest judged,
// and only while its tag still names that digest; an image whose manifest
// another tag names too stays (a registry cannot remove one tag alone).
// Its config and layers go when no manifest left references them, judged
// again after the manifests are gone against a fresh read of every manifest.
// Before the manifests go, a journal image (tag <time>-<pid>.spack-ext-prune,
// config `{}`, layers = the blobs to delete) is pushed: a registry cannot
// list a blob no manifest names, so a prune killed after the manifests went
// would otherwise lose track of their blobs. A rerun deletes what journals
// name (judged the same way), then the journals.
// A registry cannot list blobs no manifest references: those, and the
// blobs deletes unlink, are its garbage collector's. A registry dump on disk
// is pruned like any folder (file times), and its tag list rewritten.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <spackext/bus.hpp>
#include <spackext/services/mirror.hpp>

#include "buildcache/catalog.hpp"

namespace spackext::buildcache {

struct PruneOptions {
  std::optional<std::chrono::hours> older_than;
  bool orphans = false;
  bool dry_run = false;
  std::set<std::string> keep;  // DAG hashes
  std::chrono::system_clock::time_point start = std::chrono::system_clock::now();
  // An orphan younger than this may be a blob whose manifest is still to come.
  std::chrono::seconds orphan_grace = std::chrono::hours(1);
  // Remote clocks differ from ours and S3 reports whole seconds: an object
  // counts as older than a moment only if it is older by this much more.
  std::chrono::seconds clock_skew = std::chrono::minutes(5);
  unsigned jobs = 8;  // deletes at once (metadata first, then blobs)
  Bus* bus = nullptr;
};

struct PruneReport {
  std::vector<std::string> specs;        // display forms of deleted (or, dry run, deletable) entries
  std::vector<std::string> keys;         // objects deleted (or to delete)
  std::vector<std::string> kept;         // candidates saved by the keep-list
  std::vector<std::string> skipped_new;  // objects left because they changed after the start
  std::vector<std::string> pinned;       // candidates whose registry manifest another tag names too
  std::vector<std::string> undated;      // entries and orphans left because the store gives them no age
  int cascade_rounds = 0;
};

// Hashes of every spec in a spack.lock (InputError on a malformed file).
std::set<std::string> lockfile_hashes(const std::filesystem::path& lockfile);

PruneReport prune_mirror(MirrorStore& store, const PruneOptions& options);

}  // namespace spackext::buildcache
