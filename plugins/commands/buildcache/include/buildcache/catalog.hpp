// What a mirror holds, read from Spack's own files: the entries of layout v2
// (build_cache/*.spec.json[.sig] + .spack), layout v3 (spec manifests + blobs)
// and Spack's OCI layout (tags, manifests, config blobs, layers; as a registry
// store or a registry dump on disk), their indexes, and every stored object.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_set>
#include <string>
#include <string_view>
#include <vector>

#include <spackext/services/mirror.hpp>

#include "buildcache/index.hpp"
#include "buildcache/spec.hpp"

namespace spackext::buildcache {

enum class Layout { v2, v3, oci };

// Tags ending so are a registry prune's journal (prune.hpp): an image whose
// layers are blobs being deleted. A scan reads them as no entry and no
// reference; only prune looks at them.
inline constexpr std::string_view kPruneJournalSuffix = ".spack-ext-prune";
std::string to_string(Layout l);

// Where each layout's index is published (the object readers look at first).
inline constexpr std::string_view kV3IndexManifestKey = "v3/manifests/index/index.manifest.json";
inline constexpr std::string_view kV2IndexKey = "build_cache/index.json";
inline constexpr std::string_view kV2IndexHashKey = "build_cache/index.json.hash";

// A stored object some metadata refers to, with what it must hash to.
struct BlobRef {
  std::string key;
  std::string sha256;               // expected, lowercase hex
  std::optional<std::uint64_t> size;  // expected, when the metadata records it
  std::string role;                 // "tarball", "spec", "index", "key", "config"
};

struct CacheEntry {
  Layout layout = Layout::v3;
  SpecNode spec;                 // the root node, compiler resolved
  std::string metadata_key;      // spec file, spec manifest or OCI manifest
  std::string metadata_sha256;   // of the metadata's bytes as the scan read them
  bool signed_ = false;
  BlobRef tarball;
  std::optional<BlobRef> spec_blob;  // v3 spec blob, OCI config blob
  // OCI: the layers before the entry's own tarball (its dependencies'
  // tarballs, base-image layers); Catalog::other_blobs lists them too.
  std::vector<BlobRef> shared_layers;
  // When the metadata was written; on a registry, which keeps no push time,
  // the build archive's time from the config (`archive_timestamp`).
  std::optional<std::chrono::system_clock::time_point> modified;
  Json spec_file;                // the spec-file document (for index rebuilds)
};

struct IndexState {
  Layout layout = Layout::v3;
  std::string key;           // index.json, index manifest or index tag manifest
  std::optional<BlobRef> blob;   // where the index bytes are, with their expected hash
  std::optional<BuildcacheIndex> index;
  std::string actual_sha256;  // of the index bytes as read
  std::string error;         // why it could not be read
  std::string manifest_text;  // OCI: the index tag's manifest as read
};

// Something wrong with one object of the mirror.
struct Problem {
  std::string object;
  std::string message;
};

struct Catalog {
  std::string mirror;                        // URL (never with credentials)
  std::set<Layout> layouts;                  // found in the store
  std::vector<CacheEntry> entries;           // every layout; v3 first, then v2, then OCI
  std::vector<IndexState> indexes;
  std::vector<BlobRef> other_blobs;          // key, key-index and index blobs
  std::map<std::string, ObjectInfo> objects;  // everything stored
  std::vector<Problem> problems;             // unreadable metadata found while scanning
  std::vector<std::string> signed_metadata;  // keys of clearsigned metadata
  std::vector<std::string> public_keys;      // keys of published public keys (armored)

  // Entries with duplicates (same hash in several layouts) removed, v3 preferred.
  std::vector<const CacheEntry*> unique_entries() const;
  // Blob keys some metadata references.
  std::set<std::string> referenced_keys() const;
};

struct ScanOptions {
  unsigned jobs = 8;  // parallel metadata reads
  // Entries (by metadata key) the caller knows the store holds byte for byte
  // as described, e.g. what a sync just copied and verified: a v2/v3 scan
  // takes them as they are instead of reading the objects again.
  std::shared_ptr<const std::map<std::string, CacheEntry>> known;
  // The store's objects as the caller has just listed them, taken instead of
  // listing again (a listing of a thousand objects is most of a sync that
  // has nothing to copy; an incremental index update lists only the metadata
  // folders, and looks up the blobs of the entries read itself).
  std::shared_ptr<const std::map<std::string, ObjectInfo>> listing;
  // v2/v3 spec metadata keys the caller takes from elsewhere (an incremental
  // index update reuses their records from the current index): not read, no
  // entry in the catalog.
  std::unordered_set<std::string> unread;
  // Layouts whose index is not read (no IndexState in the catalog): an
  // incremental index update reads the one it starts from itself.
  std::set<Layout> unread_indexes;
};

// The spec metadata keys of one layout (v2 or v3) in a listing: v3 spec
// manifests; v2 spec files directly in build_cache/, a `.spec.json.sig`
// preferred over the `.spec.json` of the same name. Sorted.
std::vector<std::string> spec_metadata_keys(const std::map<std::string, ObjectInfo>& objects, Layout layout);
// The DAG hash a v2/v3 spec metadata key ends with
// (<name>-<version>-<hash>.spec.manifest.json, <stem>-<hash>.spec.json[.sig]);
// "" when the key names none. A view into `key`.
std::string_view hash_in_key(std::string_view key);

// Reads the whole metadata of a mirror (not the tarballs).
Catalog scan_mirror(MirrorStore& store, const ScanOptions& options = {});

// Reads a whole (metadata-sized) object; Error naming mirror and key if absent.
// `expected_size` (what a manifest or a stat says, 0 if unknown) sizes the
// buffer once: a 100 MB index grown by appends was copied ~twice over.
std::string read_object(MirrorStore& store, std::string_view key, std::uint64_t expected_size = 0);

// Key of a blob in layout v3, or in an OCI store/dump.
std::string v3_blob_key(const std::string& sha256);
std::string oci_blob_key(const std::string& sha256);
// Spack's OCI tag for a spec: <name>-<version>-<hash>.spack, sanitised.
std::string oci_tag(const SpecNode& spec);

}  // namespace spackext::buildcache
