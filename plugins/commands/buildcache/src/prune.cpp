#include "buildcache/prune.hpp"

#include <unistd.h>

#include <fstream>
#include <functional>
#include <map>

#include <spackext/errors.hpp>
#include <spackext/spack/lockfile.hpp>

#include "buildcache/digest.hpp"
#include "buildcache/index_store.hpp"
#include "buildcache/oci_tags.hpp"
#include "buildcache/parallel.hpp"

namespace spackext::buildcache {

namespace {

bool runtime_edge(const DependencyEdge& e) { return (e.deptypes & (kLink | kRun)) != 0; }

}  // namespace

std::set<std::string> lockfile_hashes(const std::filesystem::path& lockfile) {
  // The SDK's reader: what it cannot read is refused, never kept partly (a
  // hash missed here would be pruned although the environment needs it).
  const auto specs = spack::read_lockfile(lockfile);
  std::set<std::string> out(specs.roots().begin(), specs.roots().end());
  for (const auto& [hash, spec] : specs.all()) out.insert(hash);
  return out;
}

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// A registry's manifest, as its listing gives it: named by digest, no time.
bool registry_manifest(const ObjectInfo& o) {
  return starts_with(o.key, "manifests/") && starts_with(o.etag, "sha256:") && !o.modified;
}

// A tag listed whose manifest does not exist: a dump whose tag list a killed
// prune had not yet rewritten (a registry derives its list, so never there).
bool stale_tag(const Catalog& cat, const Problem& p) {
  return cat.layouts.count(Layout::oci) && starts_with(p.object, "manifests/") && !cat.objects.count(p.object);
}

constexpr const char* kEmptyConfig = "{}";

bool journal_tag(std::string_view key) {
  return starts_with(key, "manifests/") && key.size() > kPruneJournalSuffix.size() &&
         key.substr(key.size() - kPruneJournalSuffix.size()) == kPruneJournalSuffix;
}

// The blobs the journals of killed prunes name.
std::set<std::string> journal_layers(MirrorStore& store, const Catalog& cat) {
  std::set<std::string> out;
  for (const auto& [key, info] : cat.objects) {
    if (!journal_tag(key)) continue;
    auto doc = nlohmann::json::parse(read_object(store, key), nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("layers") || !doc["layers"].is_array())
      throw InputError(store.url() + ": " + key, "not a prune journal (an image manifest with layers)");
    for (const auto& l : doc["layers"]) {
      const std::string digest =
          l.is_object() && l.contains("digest") && l["digest"].is_string() ? l["digest"].get<std::string>() : "";
      if (!starts_with(digest, "sha256:") || !is_sha256_hex(digest.substr(7)))
        throw InputError(store.url() + ": " + key, "layer digest '" + digest + "' is not sha256:<hex>");
      out.insert(oci_blob_key(digest.substr(7)));
    }
  }
  return out;
}

std::string journal_name() {
  return "manifests/" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) + "-" +
         std::to_string(::getpid()) + std::string(kPruneJournalSuffix);
}

}  // namespace

PruneReport prune_mirror(MirrorStore& store, const PruneOptions& options) {
  if (!options.dry_run && !store.pushable()) throw Error(store.url() + " is not pushable: cannot prune it");
  PruneReport report;
  auto cat = scan_mirror(store);
  std::set<std::string> stale_tags;
  for (const auto& p : cat.problems) {
    if (stale_tag(cat, p)) {
      stale_tags.insert(p.object.substr(10));
      continue;
    }
    throw Error(store.url() + ": " + p.object + ": " + p.message +
                " (prune refuses to work on a mirror it cannot fully read)");
  }

  // A registry deletes a manifest by digest, which drops every tag on it:
  // an entry whose manifest another tag names too (`spack buildcache push
  // -t`) cannot go without that tag, so it stays.
  std::map<std::string, std::vector<std::string>> tags_by_digest;
  for (const auto& [key, info] : cat.objects)
    if (registry_manifest(info)) tags_by_digest[info.etag].push_back(key.substr(10));
  auto also_tagged = [&](const CacheEntry& e) -> std::string {
    auto it = cat.objects.find(e.metadata_key);
    if (e.layout != Layout::oci || it == cat.objects.end() || !registry_manifest(it->second)) return {};
    for (const auto& tag : tags_by_digest[it->second.etag])
      if ("manifests/" + tag != e.metadata_key) return tag;
    return {};
  };
  // True if `e` must stay although it is a candidate (`why` says why it was one).
  auto spared = [&](const CacheEntry& e, const std::string& why) {
    if (options.keep.count(e.spec.hash)) {
      report.kept.push_back(e.spec.display() + why);
      return true;
    }
    if (auto tag = also_tagged(e); !tag.empty()) {
      report.pinned.push_back(e.spec.display() + " (its manifest is also tagged " + tag + ")");
      return true;
    }
    return false;
  };

  // 1+2: old entries not on the keep-list.
  std::set<const CacheEntry*> doomed;
  for (const auto& e : cat.entries) {
    if (!options.older_than) break;
    if (!e.modified) {  // a registry image whose config has no archive_timestamp
      report.undated.push_back(e.metadata_key);
      continue;
    }
    if (*e.modified > options.start - *options.older_than) continue;
    if (!spared(e, "")) doomed.insert(&e);
  }
  // 3: dependents of what goes, until a fixpoint.
  for (bool changed = !doomed.empty(); changed;) {
    changed = false;
    ++report.cascade_rounds;
    std::set<std::string> gone;
    for (const auto* e : doomed) gone.insert(e->spec.hash);
    for (const auto& e : cat.entries) {
      if (doomed.count(&e)) continue;
      for (const auto& d : e.spec.dependencies)
        if (runtime_edge(d) && gone.count(d.hash)) {
          if (!spared(e, " (depends on pruned " + d.name + ")")) {
            doomed.insert(&e);
            changed = true;
          }
          break;
        }
    }
  }
  // What stays referenced once the doomed metadata is gone. An OCI image
  // names its dependencies' tarballs as layers too (other_blobs): those
  // references go with the doomed images.
  const auto journals = journal_layers(store, cat);
  std::map<std::string, int> other_references;
  for (const auto& b : cat.other_blobs) ++other_references[b.key];
  for (const auto* e : doomed)
    for (const auto& l : e->shared_layers) --other_references[l.key];
  std::set<std::string> still_referenced;
  for (const auto& e : cat.entries) {
    if (doomed.count(&e)) continue;
    still_referenced.insert(e.tarball.key);
    if (e.spec_blob) still_referenced.insert(e.spec_blob->key);
  }
  for (const auto& [key, n] : other_references)
    if (n > 0) still_referenced.insert(key);
  std::vector<std::string> metadata, content;
  std::map<std::string, std::string> judged_digest;  // registry manifests: the digest judged
  for (const auto* e : doomed) {
    report.specs.push_back(e->spec.display());
    metadata.push_back(e->metadata_key);
    if (auto it = cat.objects.find(e->metadata_key); it != cat.objects.end() && registry_manifest(it->second))
      judged_digest[e->metadata_key] = it->second.etag;
    for (const auto& k : {e->tarball.key, e->spec_blob ? e->spec_blob->key : std::string()})
      if (!k.empty() && !still_referenced.count(k) && cat.objects.count(k)) content.push_back(k);
  }
  // What a killed prune left to delete.
  for (const auto& key : journals)
    if (!still_referenced.count(key) && cat.objects.count(key)) content.push_back(key);
  // 4: orphans, by their age at the scan (looked at again before the delete).
  // A store that gives no age (a registry's blobs) has its unreferenced
  // blobs deleted only with a grace period of 0; a registry cannot even list
  // them (its listing is derived from the manifests), which leaves them to
  // its garbage collector.
  const auto orphan_cutoff = options.start - options.orphan_grace - options.clock_skew;
  const bool undated_orphans = options.orphan_grace.count() == 0;
  std::set<std::string> orphans;
  if (options.orphans) {
    auto referenced = cat.referenced_keys();
    for (const auto& [key, info] : cat.objects) {
      bool blob = starts_with(key, "blobs/") ||
                  (starts_with(key, "build_cache/") && key.size() > 6 && key.compare(key.size() - 6, 6, ".spack") == 0);
      if (!blob || referenced.count(key) || journals.count(key)) continue;
      if (!info.modified && !undated_orphans) {
        report.undated.push_back(key);
        continue;
      }
      if (info.modified && *info.modified > orphan_cutoff) {
        report.skipped_new.push_back(key);  // maybe a push in progress: not yet an orphan
        continue;
      }
      orphans.insert(key);
      content.push_back(key);
    }
  }
  std::sort(content.begin(), content.end());
  content.erase(std::unique(content.begin(), content.end()), content.end());
  if (options.dry_run) {
    for (const auto& k : metadata) report.keys.push_back(k);
    for (const auto& k : content) report.keys.push_back(k);
    return report;
  }
  // A registry that refuses deletes says so for any object, held or not:
  // asked before the index is published without specs that would then stay.
  const bool registry = !judged_digest.empty() || !journals.empty();
  if (registry) store.remove(oci_blob_key(std::string(64, '0')));
  // Readers first learn that the doomed specs are gone, then they go.
  std::set<std::string> doomed_metadata(metadata.begin(), metadata.end());
  if (!doomed_metadata.empty()) {
    IndexUpdateOptions io;
    io.exclude = doomed_metadata;
    update_indexes(store, io);
  }
  const auto changed_cutoff = options.start - options.clock_skew;
  // The second look: still there, and still as old as when it was judged
  // (`undated_ok`: what to do with an object the store gives no time).
  enum class Outcome { absent, deleted, left };
  auto remove = [&](const std::string& key, bool undated_ok) {
    auto now = store.stat(key);
    if (!now) return Outcome::absent;
    if (auto judged = judged_digest.find(key); judged != judged_digest.end()) {
      // A registry: the tag still names the manifest judged (not pushed
      // again since), deleted by that digest.
      if (now->etag != judged->second) return Outcome::left;
      store.remove("manifests/" + judged->second);
      return Outcome::deleted;
    }
    if (!now->modified) {
      if (!undated_ok) return Outcome::left;
    } else {
      const auto cutoff = orphans.count(key) ? std::min(orphan_cutoff, changed_cutoff) : changed_cutoff;
      if (*now->modified > cutoff) return Outcome::left;  // written since: not ours to judge
    }
    store.remove(key);
    return Outcome::deleted;
  };
  // Each phase deletes over several connections at once (a registry takes
  // tens of milliseconds a DELETE); what happened is reported in key order.
  auto phase = [&](const std::vector<std::string>& keys, const std::function<bool(const std::string&)>& undated_ok) {
    std::vector<Outcome> outcome(keys.size(), Outcome::absent);
    parallel_for(keys.size(), options.jobs, [&](std::size_t i) { outcome[i] = remove(keys[i], undated_ok(keys[i])); });
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (outcome[i] == Outcome::left) report.skipped_new.push_back(keys[i]);
      if (outcome[i] != Outcome::deleted) continue;
      if (options.bus)
        options.bus->publish("mirror.object.deleted", {{"mirror", store.url()}, {"key", keys[i]}}, "buildcache");
      report.keys.push_back(keys[i]);
    }
  };
  std::string journal;
  std::vector<std::string> to_journal;  // what an earlier journal names already may be gone
  for (const auto& k : content)
    if (!journals.count(k)) to_journal.push_back(k);
  if (registry && !to_journal.empty()) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& k : to_journal)
      layers.push_back({{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                        {"digest", "sha256:" + k.substr(k.rfind('/') + 1)},
                        {"size", cat.objects.at(k).size}});
    const auto config = oci_blob_key(sha256_hex(kEmptyConfig));
    put_bytes(store, config, kEmptyConfig, {.content_type = "application/json"});
    journal = journal_name();
    // The annotation makes each prune's journal a manifest of its own: two
    // prunes judging the same blobs would otherwise write one digest under
    // two tags, and a registry deleting the first by digest can leave the
    // second tag pointing at nothing (seen with docker-registry under load).
    nlohmann::json m = {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                        {"schemaVersion", 2},
                        {"config", {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                                    {"digest", "sha256:" + sha256_hex(kEmptyConfig)},
                                    {"size", 2}}},
                        {"layers", layers},
                        {"annotations", {{"io.spack-ext.prune.journal", journal.substr(journal.find('/') + 1)}}}};
    put_bytes(store, journal, m.dump(), {.content_type = "application/vnd.oci.image.manifest.v1+json"});
  }
  phase(metadata, [](const std::string&) { return false; });
  std::set<std::string> gone_tags = stale_tags;
  for (const auto& k : metadata)
    if (starts_with(k, "manifests/")) gone_tags.insert(k.substr(10));
  if (!gone_tags.empty()) drop_oci_tags(store, gone_tags);
  // Blobs without a time (a registry's) are judged again against what the
  // manifests reference now: a manifest pushed since the scan may have
  // taken one over (a push uploads, or finds, its blobs before its manifest).
  std::optional<std::set<std::string>> referenced_now;
  for (const auto& k : content) {
    auto it = cat.objects.find(k);
    if (it == cat.objects.end() || it->second.modified) continue;
    auto again = scan_mirror(store);
    if (again.problems.empty()) referenced_now = again.referenced_keys();
    break;
  }
  phase(content, [&](const std::string& k) {
    return referenced_now && !referenced_now->count(k) && (!orphans.count(k) || undated_orphans);
  });
  // Every journal's blobs were judged just now: the journals have done their job.
  if (registry) {
    for (const auto& [key, info] : cat.objects)
      if (journal_tag(key)) store.remove(key);
    if (!journal.empty()) store.remove(journal);
  }
  // What was left (changed since the start) is indexed again.
  if (!report.keys.empty() || !doomed_metadata.empty()) update_indexes(store);
  return report;
}

}  // namespace spackext::buildcache
