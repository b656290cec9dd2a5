#include "buildcache/sync.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <spackext/errors.hpp>
#include <spackext/progress.hpp>

#include "buildcache/digest.hpp"
#include "buildcache/digest_ledger.hpp"
#include "buildcache/index_store.hpp"
#include "buildcache/oci_tags.hpp"
#include "buildcache/parallel.hpp"
#include "buildcache/task_graph.hpp"
#include "buildcache/verify.hpp"

namespace spackext::buildcache {

namespace {

// A single-producer/single-consumer byte pipe that keeps no copy of its
// own: src.get() hands over each chunk of its read buffer from one thread
// and waits until dst.put(), in another, has taken all of it (the source
// reuses its buffer once the sink returns). Queuing copies of the chunks
// cost a memcpy and an allocation per chunk and bought nothing: a store
// reads a whole body or part before it sends it.
class Pipe {
 public:
  bool push(const char* d, std::size_t n) {
    std::unique_lock lock(m_);
    if (closed_) return false;  // reader gave up
    data_ = d;
    left_ = n;
    cv_.notify_all();
    cv_.wait(lock, [&] { return left_ == 0 || closed_; });
    return left_ == 0;
  }
  void finish(std::exception_ptr error = nullptr) {
    std::lock_guard lock(m_);
    done_ = true;
    error_ = error;
    cv_.notify_all();
  }
  void close() {
    std::lock_guard lock(m_);
    closed_ = true;
    cv_.notify_all();
  }
  std::size_t pull(char* buf, std::size_t cap) {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return left_ > 0 || done_; });
    if (left_ == 0) {
      if (error_) std::rethrow_exception(error_);
      return 0;
    }
    const std::size_t n = std::min(cap, left_);
    std::memcpy(buf, data_, n);
    data_ += n;
    left_ -= n;
    if (left_ == 0) cv_.notify_all();
    return n;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  const char* data_ = nullptr;
  std::size_t left_ = 0;
  bool done_ = false, closed_ = false;
  std::exception_ptr error_;
};

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Objects that are published last (by update_indexes), never copied.
bool is_index_object(const std::string& key) {
  return key == "build_cache/index.json" || key == "build_cache/index.json.hash" ||
         starts_with(key, "v3/manifests/index/") || key == "manifests/index.spack";
}

// Content addressed: the key names the sha256 of the bytes (v3 and OCI blobs).
bool is_content_addressed(const std::string& key) { return starts_with(key, "blobs/sha256/"); }

// The digest a content-addressed key names, or "".
std::string key_digest(const std::string& key) {
  if (!is_content_addressed(key)) return {};
  auto name = key.substr(key.rfind('/') + 1);
  return is_sha256_hex(name) ? name : std::string();
}

int phase_of(const std::string& key) {
  if (is_content_addressed(key) || (starts_with(key, "build_cache/") && key.size() > 6 &&
                                    key.compare(key.size() - 6, 6, ".spack") == 0))
    return 0;  // content
  return 1;    // metadata
}

constexpr std::string_view kOciManifests = "manifests/";

}  // namespace

std::string copy_object(MirrorStore& src, MirrorStore& dst, const ObjectInfo& object, const std::string& type,
                        bool* read_back, const std::string& expected_sha256, ObjectInfo* stored_out) {
  // Nothing to stream that could be checked on the way: a store may publish
  // an empty body without asking the source for it.
  if (object.size == 0 && !expected_sha256.empty() && expected_sha256 != sha256_hex(""))
    throw Error(src.url() + ": " + object.key + ": empty, but named sha256 " + expected_sha256 + " (not copied)");
  Pipe pipe;
  Sha256 sent;
  std::uint64_t got = 0;
  std::string sent_hex;
  std::exception_ptr refused;  // why the source's bytes were not all handed over
  bool reader_gone = false;    // the put stopped taking them (its own error says why)
  auto refuse = [&](const std::string& why) {
    refused = std::make_exception_ptr(Error(src.url() + ": " + object.key + ": " + why));
    return false;
  };
  // The digest is checked before the last byte is handed over, not after
  // the stream ends: a store that reads exactly the listed size (S3, GCS)
  // sends and publishes on its last byte without asking for the end.
  auto check_digest = [&] {
    sent_hex = sent.hex();
    if (!expected_sha256.empty() && sent_hex != expected_sha256)
      return refuse("content hashes to sha256 " + sent_hex + ", not " + expected_sha256 +
                    " (changed or corrupt at the source; not copied)");
    return true;
  };
  std::thread producer([&] {
    try {
      src.get(object.key, [&](const char* d, std::size_t n) {
        if (n == 0) return true;
        if (got + n > object.size) return refuse("more bytes than the " + std::to_string(object.size) + " listed");
        sent.update(d, n);
        got += n;
        if (got == object.size && !check_digest()) return false;
        if (!pipe.push(d, n)) reader_gone = true;
        return !reader_gone;
      });
    } catch (...) {
      if (!refused && !reader_gone) refused = std::current_exception();
    }
    if (!refused && !reader_gone && got != object.size)
      refuse("read " + std::to_string(got) + " bytes, listed as " + std::to_string(object.size));
    if (!refused && object.size == 0) check_digest();
    pipe.finish(refused);
  });
  PutOptions po;
  po.content_type = type;
  ObjectInfo stored;
  try {
    stored = dst.put(object.key, object.size, [&](char* buf, std::size_t cap) { return pipe.pull(buf, cap); }, po);
  } catch (...) {
    pipe.close();
    producer.join();
    if (refused) std::rethrow_exception(refused);  // the cause, not the put that it stopped
    throw;
  }
  pipe.close();  // a put that returns without taking every byte must not leave the source waiting
  producer.join();
  if (refused) std::rethrow_exception(refused);
  if (reader_gone)
    throw Error(dst.url() + ": " + object.key + ": the store finished the upload before taking every byte");
  if (stored_out) *stored_out = stored;
  const auto expected = sent_hex;
  if (verifies_puts(dst)) {  // the store proved the bytes on upload
    if (stored.size != object.size)
      throw Error(dst.url() + ": " + object.key + ": stored " + std::to_string(stored.size) + " bytes of " +
                  std::to_string(object.size));
    if (read_back) *read_back = false;
    return expected;
  }
  auto [actual, size] = hash_object(dst, object.key);
  if (actual != expected || size != object.size)
    throw Error(dst.url() + ": " + object.key + ": copy does not match the source (sha256 " + actual + " vs " +
                expected + ")");
  if (read_back) *read_back = true;
  return expected;
}

SyncReport sync_mirrors(MirrorStore& src, MirrorStore& dst, const SyncOptions& options) {
  SyncReport report;
  // DST is listed while SRC is scanned: the two servers' round trips overlap.
  auto listing = std::async(std::launch::async, [&dst] {
    std::map<std::string, ObjectInfo> found;
    try {
      dst.list("", [&](const ObjectInfo& o) { found.emplace_hint(found.end(), o.key, o); });
    } catch (const MirrorNotFound&) {
      // A new mirror: its store creates it with the first object.
    }
    return found;
  });
  auto cat = scan_mirror(src, {options.jobs});
  // Layouts are copied, never converted: a registry holds only OCI images.
  const auto dst_url = dst.url();
  if (dst_url.rfind("oci", 0) == 0 && (cat.layouts.count(Layout::v2) || cat.layouts.count(Layout::v3)))
    throw InputError(dst_url, "an OCI registry holds only Spack's OCI layout, and " + src.url() +
                                  " is in layout v2/v3; push those specs with `spack buildcache push` to the "
                                  "registry, or sync to a file, S3, GCS or WebDAV mirror instead");
  // Unreadable metadata is never copied silently: it stops the sync, or
  // (skip_broken) is reported and left behind.
  std::set<std::string> broken;
  for (const auto& pr : cat.problems) broken.insert(pr.object);
  if (!cat.problems.empty() && !options.skip_broken) {
    std::string names;
    for (const auto& pr : cat.problems) names += "\n  " + pr.object + ": " + pr.message;
    throw Error(src.url() + ": " + std::to_string(cat.problems.size()) +
                " unreadable object(s); fix them, or pass --skip-broken to sync the rest:" + names);
  }
  report.broken = cat.problems;
  // What to copy: the selected entries with their content, keys, and any
  // other non-index object when no query narrows the sync.
  std::set<std::string> wanted;
  for (const auto& e : cat.entries) {
    if (!options.only.empty() && !options.only.matches(e.spec)) continue;
    ++report.specs;
    wanted.insert(e.metadata_key);
    wanted.insert(e.tarball.key);
    if (e.spec_blob) wanted.insert(e.spec_blob->key);
    if (e.layout == Layout::oci) {  // dependency layers of the image too
      for (const auto& b : cat.other_blobs)
        if (b.role == "layer") wanted.insert(b.key);
    }
  }
  for (const auto& [key, info] : cat.objects)
    if ((options.only.empty() || starts_with(key, "v3/manifests/key/") || starts_with(key, "build_cache/_pgp/") ||
         key == "v3/layout.json") &&
        !broken.count(key))
      wanted.insert(key);
  for (const auto& b : cat.other_blobs)
    if (b.role == "key") wanted.insert(b.key);
  // The tag list is not copied: it is made to name the synced tags once their
  // manifests are in (a registry derives it; a dump on disk gets the union).
  std::vector<std::string> keys;
  std::set<std::string> oci_tags;
  for (const auto& k : wanted) {
    if (k == kOciTagList || is_index_object(k) || !cat.objects.count(k)) continue;
    keys.push_back(k);
    if (cat.layouts.count(Layout::oci) && starts_with(k, kOciManifests)) oci_tags.insert(k.substr(kOciManifests.size()));
  }

  // What each object must hash to, where the source says: the key of a
  // content-addressed blob, the spec file's checksum of a v2 tarball.
  std::map<std::string, std::string> digest_of;
  for (const auto& k : keys)
    if (auto d = key_digest(k); !d.empty()) digest_of.emplace(k, d);
  for (const auto& e : cat.entries)
    for (const BlobRef* b : {&e.tarball, e.spec_blob ? &*e.spec_blob : nullptr})
      if (b && is_sha256_hex(b->sha256)) digest_of.emplace(b->key, b->sha256);
  for (const auto& b : cat.other_blobs)
    if (is_sha256_hex(b.sha256)) digest_of.emplace(b.key, b.sha256);
  // Metadata must be copied as the scan read it (and the index will describe
  // it): a second read that differs was damaged on the way, or changed under
  // us, and is not copied. Plain HTTP (WebDAV) has no checksum of its own.
  for (const auto& e : cat.entries)
    if (!e.metadata_sha256.empty()) digest_of.emplace(e.metadata_key, e.metadata_sha256);

  // Skip what DST already has: one listing, then per-object decisions.
  // "Already there" means the same content, never merely the same size.
  const auto listed = std::make_shared<const std::map<std::string, ObjectInfo>>(listing.get());
  const auto& existing = *listed;
  // The rest (layout.json, keys, foreign images; a few small objects) is read
  // once more here, so that its copy is checked against an independent read.
  std::vector<std::string> read_twice(keys.size());
  parallel_for(keys.size(), options.jobs, [&](std::size_t i) {
    if (!digest_of.count(keys[i])) read_twice[i] = hash_object(src, keys[i]).first;
  });
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (!read_twice[i].empty()) digest_of.emplace(keys[i], read_twice[i]);
  // A digest this process or an earlier sync proved for the very version
  // DST lists now is known without reading the object again.
  std::optional<DigestLedger> ledger;
  if (!options.ledger.empty() && etags_track_content(dst)) ledger.emplace(options.ledger, dst.url());
  std::vector<char> same(keys.size(), 0), hashed(keys.size(), 0);
  parallel_for(keys.size(), options.jobs, [&](std::size_t i) {
    const auto& k = keys[i];
    const auto& info = cat.objects.at(k);
    auto it = existing.find(k);
    if (it == existing.end() || it->second.size != info.size) return;
    const auto& want = digest_of.at(k);
    if (ledger && ledger->proved(it->second) == want) {
      same[i] = 1;
      return;
    }
    hashed[i] = it->second.sha256.empty();
    same[i] = holds_digest(dst, it->second, want);
  });
  // Digests proved in this run, by the etag of the version they were proved
  // for: recorded once a listing shows that version still in place.
  std::map<std::string, std::pair<std::string, std::string>> proved_now;  // key -> {etag, sha256}
  for (std::size_t i = 0; i < keys.size(); ++i) {
    report.rehashed += hashed[i];
    if (hashed[i] && same[i]) proved_now[keys[i]] = {existing.at(keys[i]).etag, digest_of.at(keys[i])};
  }
  std::vector<const ObjectInfo*> todo[2];
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto& k = keys[i];
    const auto& info = cat.objects.at(k);
    if (same[i]) {
      ++report.skipped;
      if (options.bus)
        options.bus->publish("mirror.object.skipped", {{"mirror", dst.url()}, {"key", k}}, "buildcache");
      continue;
    }
    report.planned.push_back(k);
    todo[phase_of(k)].push_back(&info);
    total += info.size;
  }
  if (options.dry_run) return report;
  // Largest first: the big tarballs start at once and the small objects fill
  // in around them, instead of one big upload running alone at the end.
  for (auto& phase : todo)
    std::stable_sort(phase.begin(), phase.end(), [](const ObjectInfo* a, const ObjectInfo* b) { return a->size > b->size; });

  std::optional<Progress> progress;
  if (options.bus) progress.emplace(*options.bus, "buildcache.sync", "Syncing to " + dst.url(), total, "B", "buildcache");
  // Content first, metadata after what it points at: a v2/v3 spec's metadata
  // waits only for its own blobs; any other metadata (OCI manifests, whose
  // layers are shared, keys, layout.json) waits for all content.
  // One extra task, the gate (no object), finishes when all content has.
  std::vector<const ObjectInfo*> tasks(todo[0]);
  const std::size_t gate = tasks.size();
  tasks.push_back(nullptr);
  tasks.insert(tasks.end(), todo[1].begin(), todo[1].end());
  TaskGraph graph(tasks.size());
  std::map<std::string, std::size_t> content_task;
  for (std::size_t i = 0; i < gate; ++i) {
    content_task.emplace(tasks[i]->key, i);
    graph.depend(gate, i);
  }
  std::map<std::string, const CacheEntry*> entry_of;
  for (const auto& e : cat.entries)
    if (e.layout != Layout::oci) entry_of.emplace(e.metadata_key, &e);
  for (std::size_t i = gate + 1; i < tasks.size(); ++i) {
    auto e = entry_of.find(tasks[i]->key);
    if (e == entry_of.end()) {
      graph.depend(i, gate);
      continue;
    }
    for (const BlobRef* b : {&e->second->tarball, e->second->spec_blob ? &*e->second->spec_blob : nullptr})
      if (b)
        if (auto c = content_task.find(b->key); c != content_task.end()) graph.depend(i, c->second);
  }
  std::mutex mutex;
  graph.run(options.jobs, [&](std::size_t i) {
    if (!tasks[i]) return;  // the gate
    const auto& info = *tasks[i];
    bool read_back = false;
    ObjectInfo stored;
    auto d = digest_of.find(info.key);
    auto sha = copy_object(src, dst, info, {}, &read_back, d == digest_of.end() ? std::string() : d->second, &stored);
    std::lock_guard lock(mutex);
    if (ledger) proved_now[info.key] = {stored.etag, sha};
    ++report.copied;
    report.read_back += read_back;
    report.bytes_copied += info.size;
    if (options.bus) {
      progress->advance(info.size);
      options.bus->publish("mirror.object.copied",
                           {{"source", src.url()}, {"mirror", dst.url()}, {"key", info.key},
                            {"bytes", info.size}, {"sha256", sha}},
                           "buildcache");
    }
  });
  if (!oci_tags.empty()) ensure_oci_tags(dst, oci_tags, read_oci_tags(src).name);
  // What DST holds now, listed once for both the ledger and the index: the
  // first listing still is it when nothing was written.
  auto now = listed;
  if (report.copied || !oci_tags.empty()) {
    auto fresh = std::make_shared<std::map<std::string, ObjectInfo>>();
    dst.list("", [&](const ObjectInfo& o) { fresh->emplace_hint(fresh->end(), o.key, o); });
    now = fresh;
  }
  // A proof is kept for the version it was made for, if that is still the
  // one listed (the put's etag, or the etag of the version read and hashed).
  if (ledger && !proved_now.empty()) {
    std::vector<std::pair<ObjectInfo, std::string>> proofs;
    for (const auto& [key, proof] : proved_now)
      if (auto o = now->find(key); o != now->end() && !o->second.etag.empty() && o->second.etag == proof.first &&
                                   o->second.size == cat.objects.at(key).size)
        proofs.emplace_back(o->second, proof.second);
    ledger->record(proofs);
  }
  // Always, even when nothing was copied: a sync killed after its copies
  // but before its index left specs no index lists, and only a rebuild from
  // what DST holds finds them (an index already current is not rewritten).
  if (options.update_index && (!keys.empty() || !existing.empty())) {
    // Every synced spec's metadata is now at DST exactly as at SRC (copied and
    // checked, or compared equal): the index rebuild need not read it back.
    auto known = std::make_shared<std::map<std::string, CacheEntry>>();
    for (const auto& e : cat.entries)
      if (e.layout != Layout::oci && std::binary_search(keys.begin(), keys.end(), e.metadata_key))
        known->emplace(e.metadata_key, e);
    IndexUpdateOptions io;
    io.scan = ScanOptions{options.jobs, known, now};
    io.skip_broken = options.skip_broken;
    io.on_broken = [&](const Problem& p) { report.broken.push_back({dst.url() + ": " + p.object, p.message}); };
    for (const auto& p : update_indexes(dst, io)) {
      report.indexes.push_back(p.key);
      report.index_changed += p.changed;
    }
  }
  if (progress) progress->finish(true);
  return report;
}

}  // namespace spackext::buildcache
