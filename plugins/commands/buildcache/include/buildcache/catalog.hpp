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
#include <string>
#include <vector>

#include <spackext/services/mirror.hpp>

#include "buildcache/index.hpp"
#include "buildcache/spec.hpp"

namespace spackext::buildcache {

enum class Layout { v2, v3, oci };
std::string to_string(Layout l);

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
};

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
