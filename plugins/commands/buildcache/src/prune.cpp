#include "buildcache/prune.hpp"

#include <fstream>
#include <map>

#include <spackext/errors.hpp>

#include "buildcache/index_store.hpp"

namespace spackext::buildcache {

namespace {

void collect_lock(const nlohmann::json& j, std::set<std::string>& out) {
  if (auto cs = j.find("concrete_specs"); cs != j.end() && cs->is_object())
    for (auto it = cs->begin(); it != cs->end(); ++it) out.insert(it.key());
  if (auto roots = j.find("roots"); roots != j.end() && roots->is_array())
    for (const auto& r : *roots)
      if (r.contains("hash")) out.insert(r["hash"].get<std::string>());
  if (auto inc = j.find("include_concrete"); inc != j.end() && inc->is_object())
    for (auto it = inc->begin(); it != inc->end(); ++it) collect_lock(it.value(), out);
}

bool runtime_edge(const DependencyEdge& e) { return (e.deptypes & (kLink | kRun)) != 0; }

}  // namespace

std::set<std::string> lockfile_hashes(const std::filesystem::path& lockfile) {
  std::ifstream in(lockfile);
  if (!in) throw InputError(lockfile.string(), "cannot read lock file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(lockfile.string() + ":byte " + std::to_string(e.byte), std::string("malformed JSON: ") + e.what());
  }
  if (!j.is_object() || !j.contains("_meta") || j["_meta"].value("file-type", "") != "spack-lockfile")
    throw InputError(lockfile.string(), "not a spack.lock (expected _meta.file-type \"spack-lockfile\")");
  std::set<std::string> out;
  collect_lock(j, out);
  return out;
}

PruneReport prune_mirror(MirrorStore& store, const PruneOptions& options) {
  if (!options.dry_run && !store.pushable()) throw Error(store.url() + " is not pushable: cannot prune it");
  PruneReport report;
  auto cat = scan_mirror(store);
  if (!cat.problems.empty())
    throw Error(store.url() + ": " + cat.problems.front().object + ": " + cat.problems.front().message +
                " (prune refuses to work on a mirror it cannot fully read)");
  for (const auto& e : cat.entries)
    if (e.layout == Layout::oci) throw Error(store.url() + ": pruning OCI mirrors is not supported yet");

  // 1+2: old entries not on the keep-list.
  std::set<const CacheEntry*> doomed;
  for (const auto& e : cat.entries) {
    if (!options.older_than) break;
    if (!e.modified || *e.modified > options.start - *options.older_than) continue;
    if (options.keep.count(e.spec.hash)) {
      report.kept.push_back(e.spec.display());
      continue;
    }
    doomed.insert(&e);
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
          if (options.keep.count(e.spec.hash)) {
            report.kept.push_back(e.spec.display() + " (depends on pruned " + d.name + ")");
            break;
          }
          doomed.insert(&e);
          changed = true;
          break;
        }
    }
  }
  // What stays referenced once the doomed metadata is gone.
  std::set<std::string> still_referenced;
  for (const auto& e : cat.entries) {
    if (doomed.count(&e)) continue;
    still_referenced.insert(e.tarball.key);
    if (e.spec_blob) still_referenced.insert(e.spec_blob->key);
  }
  for (const auto& b : cat.other_blobs) still_referenced.insert(b.key);
  std::vector<std::string> metadata, content;
  for (const auto* e : doomed) {
    report.specs.push_back(e->spec.display());
    metadata.push_back(e->metadata_key);
    for (const auto& k : {e->tarball.key, e->spec_blob ? e->spec_blob->key : std::string()})
      if (!k.empty() && !still_referenced.count(k) && cat.objects.count(k)) content.push_back(k);
  }
  // 4: orphans, by their age at the scan (looked at again before the delete).
  const auto orphan_cutoff = options.start - options.orphan_grace - options.clock_skew;
  std::set<std::string> orphans;
  if (options.orphans) {
    auto referenced = cat.referenced_keys();
    for (const auto& [key, info] : cat.objects) {
      bool blob = key.rfind("blobs/", 0) == 0 ||
                  (key.rfind("build_cache/", 0) == 0 && key.size() > 6 && key.compare(key.size() - 6, 6, ".spack") == 0);
      if (!blob || referenced.count(key)) continue;
      if (!info.modified || *info.modified > orphan_cutoff) {
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
  // Readers first learn that the doomed specs are gone, then they go.
  std::set<std::string> doomed_metadata(metadata.begin(), metadata.end());
  if (!doomed_metadata.empty()) {
    IndexUpdateOptions io;
    io.exclude = doomed_metadata;
    update_indexes(store, io);
  }
  const auto changed_cutoff = options.start - options.clock_skew;
  auto remove = [&](const std::string& key) {
    // The second look: still there, and still as old as when it was judged.
    auto now = store.stat(key);
    if (!now) return;
    const auto cutoff = orphans.count(key) ? std::min(orphan_cutoff, changed_cutoff) : changed_cutoff;
    if (!now->modified || *now->modified > cutoff) {  // written since: not ours to judge
      report.skipped_new.push_back(key);
      return;
    }
    store.remove(key);
    if (options.bus) options.bus->publish("mirror.object.deleted", {{"mirror", store.url()}, {"key", key}}, "buildcache");
    report.keys.push_back(key);
  };
  for (const auto& k : metadata) remove(k);
  for (const auto& k : content) remove(k);
  // What was left (changed since the start) is indexed again.
  if (!report.keys.empty() || !doomed_metadata.empty()) update_indexes(store);
  return report;
}

}  // namespace spackext::buildcache
