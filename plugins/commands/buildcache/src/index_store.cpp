#include "buildcache/index_store.hpp"

#include <cstring>

#include <spackext/errors.hpp>

#include "buildcache/clearsign.hpp"
#include "buildcache/digest.hpp"
#include "buildcache/oci_tags.hpp"
#include "buildcache/spack_json.hpp"
#include "buildcache/verify.hpp"

namespace spackext::buildcache {

namespace {

constexpr const char* kV3IndexManifest = "v3/manifests/index/index.manifest.json";
constexpr const char* kV2Index = "build_cache/index.json";
constexpr const char* kV2IndexHash = "build_cache/index.json.hash";
constexpr const char* kOciIndexManifest = "manifests/index.spack";
constexpr const char* kEmptyConfig = "{}";


// Writes `data`; on a store that does not prove what it received (WebDAV
// has no upload checksum), reads it back: an index damaged on the way must
// fail the command, not be published as if it were the one written.
void put_checked(MirrorStore& store, const std::string& key, const std::string& data, const PutOptions& options) {
  put_bytes(store, key, data, options);
  if (verifies_puts(store)) return;
  const auto [stored, size] = hash_object(store, key);
  if (const auto sent = sha256_hex(data); stored != sent || size != data.size())
    throw Error(store.url() + ": " + key + ": the store holds sha256 " + stored + ", not the " + sent +
                " written (damaged on the way, or replaced at once); run the command again");
}

// Content-addressed blobs are immutable: written only if absent or not
// holding their digest (a same-size corrupt object is replaced).
void put_blob(MirrorStore& store, const std::string& key, const std::string& data, const std::string& type) {
  if (auto st = store.stat(key); st && st->size == data.size() && holds_digest(store, *st, sha256_hex(data))) return;
  PutOptions o;
  o.content_type = type;
  put_checked(store, key, data, o);
}

// Publishes `key` only if its version is still `before` (or it is still
// absent); PreconditionFailed if another writer got there first. A store
// that cannot honour the condition gets the object unconditionally.
void put_guarded(MirrorStore& store, const std::string& key, const std::string& data,
                 const std::optional<ObjectInfo>& before, const std::string& type) {
  PutOptions o;
  o.content_type = type;
  if (before)
    o.if_match = before->etag;
  else
    o.if_none_match = true;
  if (before && before->etag.empty()) o.if_match.clear(), o.if_none_match = false;  // nothing to compare
  try {
    put_checked(store, key, data, o);
  } catch (const ConditionsUnsupported&) {
    PutOptions plain;
    plain.content_type = type;
    put_checked(store, key, data, plain);
  }
}

// Why an entry cannot be indexed although its metadata was read: a blob it
// names is not stored (an index listing it would send clients to a 404).
std::optional<std::string> incomplete(const Catalog& cat, const CacheEntry& e) {
  for (const BlobRef* b : {&e.tarball, e.spec_blob ? &*e.spec_blob : nullptr})
    if (b && !cat.objects.count(b->key)) return "its " + b->role + " " + b->key + " is missing";
  return std::nullopt;
}

std::string db_version_for(const Catalog& cat, Layout layout) {
  for (const auto& i : cat.indexes)
    if (i.layout == layout && i.index && !i.index->db_version.empty()) return i.index->db_version;
  return layout == Layout::v2 ? "7" : "8";
}

}  // namespace

std::optional<LoadedIndex> load_index(MirrorStore& store) {
  const auto where = [&](const std::string& k) { return store.url() + ": " + k; };
  // The size a manifest or stat gives lets the index be read into one buffer.
  const auto size_of = [](const Json& record, const char* field) -> std::uint64_t {
    auto it = record.find(field);
    return it != record.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
  };
  if (store.stat(kV3IndexManifest)) {
    auto manifest = Json::parse(json_payload(read_object(store, kV3IndexManifest)), nullptr, false);
    if (manifest.is_discarded() || !manifest.contains("data") || manifest["data"].empty())
      throw InputError(where(kV3IndexManifest), "malformed index manifest");
    auto sha = manifest["data"][0].value("checksum", "");
    if (!is_sha256_hex(sha)) throw InputError(where(kV3IndexManifest), "index checksum is not sha256 hex");
    auto key = v3_blob_key(sha);
    return LoadedIndex{Layout::v3, key,
                       parse_index(read_object(store, key, size_of(manifest["data"][0], "contentLength")), where(key))};
  }
  if (auto info = store.stat(kV2Index))
    return LoadedIndex{Layout::v2, kV2Index, parse_index(read_object(store, kV2Index, info->size), where(kV2Index))};
  if (store.stat(kOciIndexManifest)) {
    auto manifest = Json::parse(read_object(store, kOciIndexManifest), nullptr, false);
    if (manifest.is_discarded() || !manifest.contains("layers") || manifest["layers"].empty())
      throw InputError(where(kOciIndexManifest), "malformed index manifest");
    auto digest = manifest["layers"][0].value("digest", "");
    if (digest.rfind("sha256:", 0) != 0) throw InputError(where(kOciIndexManifest), "layer digest is not sha256");
    auto key = oci_blob_key(digest.substr(7));
    return LoadedIndex{Layout::oci, key, parse_index(read_object(store, key, size_of(manifest["layers"][0], "size")), where(key))};
  }
  return std::nullopt;
}

std::vector<PublishedIndex> update_indexes(MirrorStore& store, const IndexUpdateOptions& options) {
  if (!store.pushable()) throw Error(store.url() + " is not pushable: cannot update its index");
  for (int attempt = 1;; ++attempt) {
    // The version of each "last-written" object before we rebuild.
    std::map<std::string, std::optional<ObjectInfo>> before;
    for (const char* k : {kV3IndexManifest, kV2Index, kV2IndexHash, kOciIndexManifest}) before[k] = store.stat(k);
    auto cat = scan_mirror(store, options.scan);
    // Nothing is left out silently: unreadable or incomplete entries stop
    // the update, or (skip_broken) are reported one by one.
    // (Problems with objects that do not exist, such as a tag without its
    // manifest or a missing layout.json, drop no spec from the index.)
    std::vector<Problem> broken;
    for (const auto& pr : cat.problems)
      if (cat.objects.count(pr.object)) broken.push_back(pr);
    std::set<const CacheEntry*> skipped;
    for (const auto& e : cat.entries)
      if (!options.exclude.count(e.metadata_key))
        if (auto why = incomplete(cat, e)) {
          broken.push_back({e.metadata_key, *why});
          skipped.insert(&e);
        }
    if (!broken.empty() && !options.skip_broken) {
      std::string names;
      for (const auto& b : broken) names += "\n  " + b.object + ": " + b.message;
      throw Error(store.url() + ": cannot index " + std::to_string(broken.size()) +
                  " object(s); fix or remove them, or pass --skip-broken to index the rest:" + names);
    }
    if (options.on_broken && attempt == 1)
      for (const auto& b : broken) options.on_broken(b);
    std::vector<PublishedIndex> out;
    try {
      for (auto layout : cat.layouts) {
        const auto db_version = db_version_for(cat, layout);
        IndexBuilder builder(db_version);
        std::size_t specs = 0;
        for (const auto& e : cat.entries)
          if (e.layout == layout && !skipped.count(&e) && !options.exclude.count(e.metadata_key)) {
            builder.add_spec_file(e.spec_file, cat.mirror + ": " + e.metadata_key);
            ++specs;
          }
        const auto text = builder.json_text();
        const auto sha = sha256_hex(text);
        PublishedIndex p{layout, {}, sha, specs, true};
        std::string current_sha;
        for (const auto& i : cat.indexes)
          if (i.layout == layout && i.error.empty()) current_sha = i.actual_sha256;
        if (layout == Layout::v3) {
          p.key = kV3IndexManifest;
          Json record = Json::object();
          record["contentLength"] = text.size();
          record["mediaType"] = "application/vnd.spack.db.v" + db_version + "+json";
          record["compression"] = "none";
          record["checksumAlgorithm"] = "sha256";
          record["checksum"] = sha;
          Json manifest = Json::object();
          manifest["version"] = 3;
          manifest["data"] = Json::array({record});
          p.changed = current_sha != sha;
          if (p.changed) {
            put_blob(store, v3_blob_key(sha), text, "application/json");
            put_guarded(store, kV3IndexManifest, dump_token_per_line(manifest), before[kV3IndexManifest],
                        "application/json");
          }
        } else if (layout == Layout::v2) {
          p.key = kV2Index;
          // The pair must agree (Spack refuses an index.json whose hash is
          // not the one in index.json.hash): a writer killed between the two
          // leaves them apart, and the next update repairs that.
          std::string stored_hash;
          if (before[kV2IndexHash]) stored_hash = read_object(store, kV2IndexHash).substr(0, 64);
          p.changed = current_sha != sha || stored_hash != sha;
          if (p.changed) {
            // Both guarded: of two concurrent writers, the one whose hash
            // write fails is the one that rescans and writes the pair again.
            put_guarded(store, kV2Index, text, before[kV2Index], "application/json");
            put_guarded(store, kV2IndexHash, sha, before[kV2IndexHash], "text/plain");
          }
        } else {
          p.key = kOciIndexManifest;
          p.changed = current_sha != sha;
          if (p.changed) {
            put_blob(store, oci_blob_key(sha256_hex(kEmptyConfig)), kEmptyConfig, "application/json");
            put_blob(store, oci_blob_key(sha), text, "application/octet-stream");
            Json manifest = Json::object();
            manifest["mediaType"] = "application/vnd.oci.image.manifest.v1+json";
            manifest["schemaVersion"] = 2;
            manifest["config"] = {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                                  {"digest", "sha256:" + sha256_hex(kEmptyConfig)},
                                  {"size", 2}};
            manifest["layers"] = Json::array({Json{{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                                                   {"digest", "sha256:" + sha},
                                                   {"size", text.size()}}});
            put_guarded(store, kOciIndexManifest, dump_compact(manifest), before[kOciIndexManifest],
                        "application/vnd.oci.image.manifest.v1+json");
            ensure_oci_tags(store, {"index.spack"});  // a dump on disk lists its tags itself
          }
        }
        out.push_back(p);
      }
      return out;
    } catch (const PreconditionFailed& e) {
      if (attempt >= options.max_attempts)
        throw Error(store.url() + ": index changed by another writer " + std::to_string(attempt) +
                    " times while rebuilding; giving up (" + e.what() + ")");
    }
  }
}

}  // namespace spackext::buildcache
