#include "buildcache/verify.hpp"

#include <map>
#include <mutex>
#include <set>

#include <spackext/errors.hpp>
#include <spackext/progress.hpp>

#include "buildcache/digest.hpp"
#include "buildcache/gpg.hpp"
#include "buildcache/parallel.hpp"

namespace spackext::buildcache {

std::pair<std::string, std::uint64_t> hash_object(MirrorStore& store, std::string_view key) {
  Sha256 h;
  std::uint64_t n = 0;
  store.get(key, [&](const char* d, std::size_t size) {
    h.update(d, size);
    n += size;
    return true;
  });
  return {h.hex(), n};
}

bool holds_digest(MirrorStore& store, const ObjectInfo& object, const std::string& sha256) {
  if (!object.sha256.empty()) return object.sha256 == sha256;
  try {
    return hash_object(store, object.key).first == sha256;
  } catch (const Error&) {  // gone since it was listed
    if (store.stat(object.key)) throw;
    return false;
  }
}

std::vector<Problem> check_index(const Catalog& catalog, const IndexState& index) {
  std::vector<Problem> out;
  if (!index.error.empty()) {
    out.push_back({index.key, "index unreadable: " + index.error});
    return out;
  }
  if (index.blob && !index.blob->sha256.empty() && index.blob->sha256 != index.actual_sha256) {
    auto what = index.layout == Layout::v2 ? "index.json.hash says " : "manifest says ";
    out.push_back({index.blob->key, std::string("index hash mismatch: ") + what + index.blob->sha256 +
                                        ", content hashes to " + index.actual_sha256});
  }
  if (!index.index) return out;
  std::map<std::string_view, const SpecView*> listed;
  for (const auto& r : index.index->records)
    if (r.in_buildcache) listed.emplace(r.spec.hash, &r.spec);
  std::set<std::string_view> present;
  for (const auto& e : catalog.entries)
    if (e.layout == index.layout) {
      present.insert(e.spec.hash);
      if (!listed.count(e.spec.hash))
        out.push_back({index.key, "index does not list " + e.spec.display() + " (" + e.metadata_key + ")"});
    }
  for (const auto& [hash, spec] : listed)
    if (!present.count(hash))
      out.push_back({index.key, "index lists " + spec->display() + " but the mirror has no entry for it"});
  return out;
}

nlohmann::json VerifyReport::to_json() const {
  nlohmann::json j;
  j["ok"] = ok();
  j["objects_checked"] = objects_checked;
  j["bytes_hashed"] = bytes_hashed;
  j["signatures_checked"] = signatures_checked;
  j["problems"] = nlohmann::json::array();
  for (const auto& p : problems) j["problems"].push_back({{"object", p.object}, {"message", p.message}});
  return j;
}

VerifyReport verify_mirror(MirrorStore& store, const Catalog& catalog, const VerifyOptions& options) {
  VerifyReport report;
  report.problems = catalog.problems;
  std::mutex mutex;
  auto add_problem = [&](std::string object, std::string message) {
    std::lock_guard lock(mutex);
    report.problems.push_back({std::move(object), std::move(message)});
  };
  const unsigned jobs = options.jobs ? options.jobs : default_jobs();

  // 1. Every referenced blob, once (the same blob may back several entries).
  std::map<std::string, BlobRef> blobs;
  for (const auto& e : catalog.entries) {
    blobs.emplace(e.tarball.key, e.tarball);
    if (e.spec_blob) blobs.emplace(e.spec_blob->key, *e.spec_blob);
  }
  for (const auto& b : catalog.other_blobs) blobs.emplace(b.key, b);
  std::vector<BlobRef> work;
  std::uint64_t total = 0;
  for (auto& [key, ref] : blobs) {
    auto it = catalog.objects.find(key);
    if (it == catalog.objects.end()) {
      add_problem(key, "missing: referenced as " + ref.role + " but not stored");
      continue;
    }
    total += it->second.size;
    work.push_back(ref);
  }
  std::optional<Progress> progress;
  std::optional<Bus::Topic> topic;
  if (options.bus) {
    progress.emplace(*options.bus, "buildcache.verify", "Verifying " + catalog.mirror, total, "B", "buildcache");
    topic = options.bus->topic("mirror.object.verified");
  }
  parallel_for(work.size(), jobs, [&](std::size_t i) {
    const auto& ref = work[i];
    std::string hex;
    std::uint64_t size = 0;
    try {
      std::tie(hex, size) = hash_object(store, ref.key);
    } catch (const std::exception& e) {
      add_problem(ref.key, std::string("unreadable: ") + e.what());
      return;
    }
    bool ok = true;
    if (!ref.sha256.empty() && hex != ref.sha256) {
      ok = false;
      add_problem(ref.key, "checksum mismatch (" + ref.role + "): expected sha256 " + ref.sha256 + ", got " + hex);
    }
    if (ref.size && *ref.size != size) {
      ok = false;
      add_problem(ref.key, "size mismatch (" + ref.role + "): expected " + std::to_string(*ref.size) +
                               " bytes, got " + std::to_string(size));
    }
    std::lock_guard lock(mutex);
    ++report.objects_checked;
    report.bytes_hashed += size;
    if (options.bus) {
      progress->advance(size);
      options.bus->publish(*topic,
                           {{"mirror", catalog.mirror}, {"key", ref.key}, {"bytes", size}, {"ok", ok}},
                           "buildcache");
    }
  });

  // 2. Signatures: one keyring (GPGME context) per worker.
  if (options.check_signatures && !catalog.signed_metadata.empty()) {
    parallel_for(catalog.signed_metadata.size(), std::min(jobs, 4u), [&](std::size_t i) {
      thread_local std::unique_ptr<Keyring> keyring;
      thread_local std::optional<std::filesystem::path> keyring_home;
      if (!keyring || keyring_home != options.keyring) {
        keyring = std::make_unique<Keyring>(options.keyring);
        keyring_home = options.keyring;
      }
      const auto& key = catalog.signed_metadata[i];
      try {
        auto check = keyring->verify_clearsigned(read_object(store, key));
        if (!check.good) add_problem(key, "signature not valid: " + check.reason);
      } catch (const std::exception& e) {
        add_problem(key, std::string("signature not checked: ") + e.what());
      }
      std::lock_guard lock(mutex);
      ++report.signatures_checked;
    });
  }

  // 3. Each index against the entries of its layout; layouts without one.
  std::set<Layout> indexed;
  for (const auto& idx : catalog.indexes) {
    indexed.insert(idx.layout);
    for (auto& p : check_index(catalog, idx)) report.problems.push_back(std::move(p));
  }
  for (auto layout : catalog.layouts) {
    bool has_entries = false;
    for (const auto& e : catalog.entries) has_entries |= e.layout == layout;
    if (has_entries && !indexed.count(layout))
      report.problems.push_back({catalog.mirror, "layout " + to_string(layout) + " has entries but no index"});
  }
  if (progress) progress->finish(report.ok());
  return report;
}

}  // namespace spackext::buildcache
