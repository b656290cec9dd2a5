#include "buildcache/index_store.hpp"

#include <cstring>
#include <future>

#include <spackext/errors.hpp>

#include "buildcache/clearsign.hpp"
#include "buildcache/digest.hpp"
#include "buildcache/incremental_index.hpp"
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

// The index tag's manifest as read is `expected`, and the blobs it names are
// stored holding their digests.
bool oci_index_image_intact(MirrorStore& store, const Catalog& cat, const Json& expected) {
  for (const auto& i : cat.indexes) {
    if (i.layout != Layout::oci || !i.error.empty()) continue;
    if (Json::parse(i.manifest_text, nullptr, false) != expected) return false;
    for (const auto* d : {&expected["config"], &expected["layers"][0]}) {
      const auto hex = (*d)["digest"].get<std::string>().substr(7);
      auto st = store.stat(oci_blob_key(hex));
      if (!st || !holds_digest(store, *st, hex)) return false;
    }
    return true;
  }
  return false;
}

std::string db_version_for(const Catalog& cat, Layout layout) {
  for (const auto& i : cat.indexes)
    if (i.layout == layout && i.index && !i.index->db_version.empty()) return i.index->db_version;
  return layout == Layout::v2 ? "7" : "8";
}

// An incremental update found that copying from the stored index would not
// give what a full rebuild writes.
struct RebuildInFull : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Plans each layout's update from its stored index, listing only the
// metadata folders (v3/, build_cache/): the blobs are two thirds of a v3
// cache's objects, and only those of the specs read are looked up
// (look_up_blobs). `scan` is set to use that listing and to leave out what
// the plans copy. A store with an OCI layout, or a layout that needs a full
// rebuild, is listed whole by the scan as before.
std::map<Layout, PlanOutcome> plan_layouts(MirrorStore& store, const IndexUpdateOptions& options, ScanOptions& scan) {
  std::map<Layout, PlanOutcome> out;
  if (store.stat("tags/list")) {
    for (auto layout : {Layout::v2, Layout::v3})
      out[layout].full_reason = "the store holds an OCI layout too, which is scanned (and indexed) in full";
    return out;
  }
  // Each layout's current index is read and checked while the metadata is
  // listed: on a 20,000-spec cache each is about as long as the other.
  std::map<Layout, std::future<CurrentIndex>> current;
  for (auto layout : {Layout::v2, Layout::v3})
    current[layout] = std::async(std::launch::async, [&store, layout] { return load_current_index(store, layout); });
  auto listing = std::make_shared<std::map<std::string, ObjectInfo>>();
  for (const char* folder : {"v3/", "build_cache/"})
    // Stores list keys in byte order (S3, GCS, the file store), so each key goes at the end.
    store.list(folder, [&](const ObjectInfo& o) { listing->emplace_hint(listing->end(), o.key, o); });
  bool all_planned = true;
  for (auto [layout, folder] : {std::pair{Layout::v2, "build_cache/"}, std::pair{Layout::v3, "v3/"}}) {
    auto outcome = plan_incremental(current[layout].get(), *listing, layout, options.exclude);
    const auto first = listing->lower_bound(folder);
    const bool present = first != listing->end() && first->first.rfind(folder, 0) == 0;
    if (outcome.plan) {
      scan.unread.merge(outcome.plan->unread);  // moved: the plan does not need them again
      scan.unread_indexes.insert(layout);
    } else if (present) {
      all_planned = false;
    }
    out.emplace(layout, std::move(outcome));
  }
  if (all_planned) scan.listing = std::move(listing);
  return out;
}

// With a listing of the metadata folders only, the catalog lacks the blobs
// of the entries read; they are looked up one by one (a few, by design).
void look_up_blobs(MirrorStore& store, Catalog& cat) {
  for (const auto& e : cat.entries)
    for (const BlobRef* b : {&e.tarball, e.spec_blob ? &*e.spec_blob : nullptr})
      if (b && !cat.objects.count(b->key))
        if (auto st = store.stat(b->key)) cat.objects.emplace(b->key, *st);
}

// Adds the specs read and the specs copied in the order a full rebuild
// visits them (by name, version, hash), so the index comes out the same.
void add_incrementally(IndexBuilder& builder, const std::string& mirror, const std::vector<const CacheEntry*>& read,
                       const IncrementalPlan& plan) {
  struct Item {
    std::string_view name, version, hash;
    const CacheEntry* entry;  // nullptr: copied from the stored index
  };
  std::vector<Item> items;
  items.reserve(read.size() + plan.reused.size());
  for (const auto* e : read) items.push_back({e->spec.name, e->spec.version, e->spec.hash, e});
  for (const auto& h : plan.reused) {
    const auto* node = plan.current->find(h);
    items.push_back({node->name, node->version, h, nullptr});
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return std::tie(a.name, a.version, a.hash) < std::tie(b.name, b.version, b.hash);
  });
  builder.compare_with(plan.current.get());
  for (const auto& item : items)
    if (item.entry)
      builder.add_spec_file(item.entry->spec_file, mirror + ": " + item.entry->metadata_key);
    else
      builder.add_stored_spec(std::string(item.hash), *plan.current);
}

}  // namespace

std::optional<LoadedIndex> load_index(MirrorStore& store) {
  const auto where = [&](const std::string& k) { return store.url() + ": " + k; };
  // The size a manifest or stat gives lets the index be read into one buffer.
  const auto size_of = [](const Json& record, const char* field) -> std::uint64_t {
    auto it = record.find(field);
    return it != record.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
  };
  // The first record of a manifest's `list`, and its string `field` ("" if
  // absent or of another type): a damaged manifest is then reported by the
  // checks below, not as a JSON type error.
  const auto first_record = [](const Json& manifest, const char* list) -> const Json* {
    if (!manifest.is_object() || !manifest.contains(list) || !manifest[list].is_array() || manifest[list].empty() ||
        !manifest[list][0].is_object())
      return nullptr;
    return &manifest[list][0];
  };
  const auto text_of = [](const Json& record, const char* field) {
    auto it = record.find(field);
    return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (store.stat(kV3IndexManifest)) {
    auto manifest = Json::parse(json_payload(read_object(store, kV3IndexManifest)), nullptr, false);
    const Json* record = first_record(manifest, "data");
    if (!record) throw InputError(where(kV3IndexManifest), "malformed index manifest");
    auto sha = text_of(*record, "checksum");
    if (!is_sha256_hex(sha)) throw InputError(where(kV3IndexManifest), "index checksum is not sha256 hex");
    auto key = v3_blob_key(sha);
    return LoadedIndex{Layout::v3, key, parse_index(read_object(store, key, size_of(*record, "contentLength")), where(key))};
  }
  if (auto info = store.stat(kV2Index))
    return LoadedIndex{Layout::v2, kV2Index, parse_index(read_object(store, kV2Index, info->size), where(kV2Index))};
  if (store.stat(kOciIndexManifest)) {
    auto manifest = Json::parse(read_object(store, kOciIndexManifest), nullptr, false);
    const Json* layer = first_record(manifest, "layers");
    if (!layer) throw InputError(where(kOciIndexManifest), "malformed index manifest");
    auto digest = text_of(*layer, "digest");
    if (digest.rfind("sha256:", 0) != 0 || !is_sha256_hex(digest.substr(7)))
      throw InputError(where(kOciIndexManifest), "layer digest is not sha256");
    auto key = oci_blob_key(digest.substr(7));
    return LoadedIndex{Layout::oci, key, parse_index(read_object(store, key, size_of(*layer, "size")), where(key))};
  }
  return std::nullopt;
}

std::vector<PublishedIndex> update_indexes(MirrorStore& store, const IndexUpdateOptions& options) {
  if (!store.pushable()) throw Error(store.url() + " is not pushable: cannot update its index");
  bool reported = false;
  std::string full_reason;  // set when an incremental update found it must rebuild in full
  for (int attempt = 1;; ++attempt) {
    // The version of each "last-written" object before we rebuild.
    // A caller's listing serves the first attempt only; a retry (another
    // writer got in) looks again.
    auto scan = options.scan;
    if (attempt > 1) scan.listing.reset();
    std::map<std::string, std::optional<ObjectInfo>> before;
    for (const char* k : {kV3IndexManifest, kV2Index, kV2IndexHash, kOciIndexManifest}) {
      if (!scan.listing) {
        before[k] = store.stat(k);
      } else if (auto it = scan.listing->find(k); it != scan.listing->end()) {
        before[k] = it->second;
      } else {
        before[k] = std::nullopt;
      }
    }
    const auto plans = options.incremental && full_reason.empty() ? plan_layouts(store, options, scan)
                                                                  : std::map<Layout, PlanOutcome>();
    auto cat = scan_mirror(store, scan);
    if (scan.listing) look_up_blobs(store, cat);
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
    if (options.on_broken && !reported)
      for (const auto& b : broken) options.on_broken(b);
    reported = true;
    std::vector<PublishedIndex> out;
    try {
      for (auto layout : cat.layouts) {
        const auto planned = plans.find(layout);
        const IncrementalPlan* plan =
            planned != plans.end() && planned->second.plan ? &*planned->second.plan : nullptr;
        const auto db_version = plan && !plan->current->db_version().empty() ? plan->current->db_version()
                                                                             : db_version_for(cat, layout);
        IndexBuilder builder(db_version);
        std::vector<const CacheEntry*> entries;
        for (const auto& e : cat.entries)
          if (e.layout == layout && !skipped.count(&e) && !options.exclude.count(e.metadata_key)) entries.push_back(&e);
        const std::size_t specs = entries.size() + (plan ? plan->reused.size() : 0);
        if (plan) {
          add_incrementally(builder, cat.mirror, entries, *plan);
          if (builder.differing()) throw RebuildInFull(std::to_string(builder.differing()) +
                                                       " node(s) of the specs read differ from the index's copies");
        } else {
          for (const auto* e : entries) builder.add_spec_file(e->spec_file, cat.mirror + ": " + e->metadata_key);
        }
        const auto text = builder.json_text();
        const auto sha = sha256_hex(text);
        PublishedIndex p{layout, {}, sha, specs, true};
        if (plan) {
          p.incremental = true;
          p.added = plan->added, p.removed = plan->removed, p.changed_specs = plan->changed;
          p.reused = plan->reused.size();
        } else if (options.incremental) {
          p.full_reason = !full_reason.empty() ? full_reason
                          : planned != plans.end() ? planned->second.full_reason
                                                   : "indexes of the OCI layout are always rebuilt in full";
        }
        std::string current_sha = plan ? plan->current_sha256 : std::string();
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
          Json manifest = Json::object();
          manifest["mediaType"] = "application/vnd.oci.image.manifest.v1+json";
          manifest["schemaVersion"] = 2;
          manifest["config"] = {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                                {"digest", "sha256:" + sha256_hex(kEmptyConfig)},
                                {"size", 2}};
          manifest["layers"] = Json::array({Json{{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                                                 {"digest", "sha256:" + sha},
                                                 {"size", text.size()}}});
          // The same index is not enough: the manifest naming it may have
          // been damaged on the way and still accepted (another config, a
          // wrong size), or a blob it names deleted since. Spack's own
          // manifest differs from ours only in key order, so it is compared
          // as JSON.
          p.changed = current_sha != sha || !oci_index_image_intact(store, cat, manifest);
          if (p.changed) {
            put_blob(store, oci_blob_key(sha256_hex(kEmptyConfig)), kEmptyConfig, "application/json");
            put_blob(store, oci_blob_key(sha), text, "application/octet-stream");
            put_guarded(store, kOciIndexManifest, dump_compact(manifest), before[kOciIndexManifest],
                        "application/vnd.oci.image.manifest.v1+json");
            ensure_oci_tags(store, {"index.spack"});  // a dump on disk lists its tags itself
          }
        }
        out.push_back(p);
      }
      return out;
    } catch (const RebuildInFull& e) {
      // Not another writer: start over reading everything (a layout already
      // published on this pass is rebuilt to the same bytes, found unchanged).
      full_reason = e.what();
      --attempt;
    } catch (const PreconditionFailed& e) {
      if (attempt >= options.max_attempts)
        throw Error(store.url() + ": index changed by another writer " + std::to_string(attempt) +
                    " times while rebuilding; giving up (" + e.what() + ")");
    }
  }
}

}  // namespace spackext::buildcache
