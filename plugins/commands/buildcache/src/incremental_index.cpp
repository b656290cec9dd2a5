#include "buildcache/incremental_index.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <spackext/errors.hpp>

#include "buildcache/clearsign.hpp"
#include "buildcache/digest.hpp"
#include "buildcache/spack_json.hpp"

namespace spackext::buildcache {

namespace {

using Clock = std::chrono::system_clock;

// The index text stored for the layout, checked against the object that
// publishes it, and when it was published; a reason instead when it cannot
// be the starting point.
CurrentIndex read_current(MirrorStore& store, Layout layout) {
  const auto where = [&](std::string_view key) { return store.url() + ": " + std::string(key); };
  std::string text;
  CurrentIndex c;
  std::optional<Clock::time_point> published;
  if (layout == Layout::v3) {
    const auto manifest_info = store.stat(kV3IndexManifestKey);
    if (!manifest_info) return {.problem = "there is no index yet"};
    published = manifest_info->modified;
    const auto manifest = parse_json(json_payload(read_object(store, kV3IndexManifestKey)), where(kV3IndexManifestKey));
    const auto data = manifest.is_object() ? manifest.value("data", Json::array()) : Json::array();
    const auto sha = !data.empty() && data[0].is_object() ? data[0].value("checksum", "") : std::string();
    if (!is_sha256_hex(sha)) return {.problem = where(kV3IndexManifestKey) + " names no sha256 index blob"};
    const auto key = v3_blob_key(sha);
    text = read_object(store, key);
    c.sha256 = sha256_hex(text);
    c.where = where(key);
    if (c.sha256 != sha) return {.problem = "the index blob " + key + " does not hash to its manifest's checksum"};
  } else {
    const auto index_info = store.stat(kV2IndexKey);
    if (!index_info) return {.problem = "there is no index yet"};
    const auto hash_info = store.stat(kV2IndexHashKey);
    if (!hash_info) return {.problem = std::string(kV2IndexHashKey) + " is missing"};
    const auto a = index_info->modified, b = hash_info->modified;
    if (a && b) published = std::min(*a, *b);  // the earlier write: the safer reference
    text = read_object(store, kV2IndexKey);
    c.sha256 = sha256_hex(text);
    c.where = where(kV2IndexKey);
    if (read_object(store, kV2IndexHashKey).substr(0, 64) != c.sha256)
      return {.problem = std::string(kV2IndexHashKey) + " does not match " + std::string(kV2IndexKey)};
  }
  if (!published) return {.problem = "the store gives no modification time for the index"};
  c.published = *published;
  c.index = std::make_shared<const StoredIndex>(std::move(text), c.where);
  if (!c.index->canonical()) return {.problem = "the current index is not in the exact form a rebuild writes"};
  return c;
}

// File names of the v2 tarballs listed (a spec file's tarball is found by
// name), viewing the listing's keys.
std::unordered_set<std::string_view> v2_tarball_names(const std::map<std::string, ObjectInfo>& listing) {
  std::unordered_set<std::string_view> out;
  for (auto it = listing.lower_bound("build_cache/"); it != listing.end() && it->first.rfind("build_cache/", 0) == 0;
       ++it)
    if (it->first.size() > 6 && it->first.compare(it->first.size() - 6, 6, ".spack") == 0)
      out.insert(std::string_view(it->first).substr(it->first.rfind('/') + 1));
  return out;
}

// The file name of a v2 spec file's tarball, into `out`.
const std::string& v2_tarball_name(const std::string& key, std::string& out) {
  auto name = std::string_view(key).substr(key.rfind('/') + 1);
  out.assign(name.substr(0, name.rfind(".spec.json"))).append(".spack");
  return out;
}

}  // namespace

CurrentIndex load_current_index(MirrorStore& store, Layout layout) {
  if (layout != Layout::v2 && layout != Layout::v3)
    return {.problem = to_string(layout) + " indexes are always rebuilt in full"};
  try {
    return read_current(store, layout);
  } catch (const std::exception& e) {
    return {.problem = std::string("the current index cannot be read: ") + e.what()};
  }
}

PlanOutcome plan_incremental(const CurrentIndex& current, const std::map<std::string, ObjectInfo>& listing,
                             Layout layout, const std::set<std::string>& exclude) {
  if (!current.problem.empty()) return {std::nullopt, current.problem};
  IncrementalPlan plan;
  plan.layout = layout;
  plan.current_sha256 = current.sha256;
  plan.current = current.index;

  // Listed metadata by the hash its key names (the first key, and how many).
  struct Listed {
    const std::string* key = nullptr;
    std::size_t count = 0;
  };
  std::unordered_map<std::string_view, Listed> by_hash;
  const auto keys = spec_metadata_keys(listing, layout);
  by_hash.reserve(keys.size());
  for (const auto& key : keys) {
    if (exclude.count(key)) continue;
    if (auto h = hash_in_key(key); !h.empty()) {
      auto& listed = by_hash[h];
      if (!listed.count++) listed.key = &key;
    } else {
      ++plan.added;  // read: nothing says which spec it holds
    }
  }
  const auto tarballs = layout == Layout::v2 ? v2_tarball_names(listing) : std::unordered_set<std::string_view>();
  std::string tarball;
  const auto reusable = [&](const std::string& key) {
    const auto& info = listing.at(key);
    if (!info.modified || *info.modified > current.published - kRewriteMargin) return false;
    // A v2 spec's tarball is found by name in the listing: one gone is an
    // incomplete entry, which only reading the spec file reports by name.
    return layout != Layout::v2 || tarballs.count(v2_tarball_name(key, tarball)) > 0;
  };
  std::unordered_set<std::string_view> roots;
  for (auto h : plan.current->order()) {
    const auto* node = plan.current->find(h);
    if (!node->in_buildcache) continue;
    roots.insert(h);
    auto it = by_hash.find(h);
    if (it == by_hash.end()) {
      ++plan.removed;
      continue;
    }
    // One hash under two keys is read: which one a rebuild keeps is not ours to guess.
    if (it->second.count == 1 && reusable(*it->second.key)) {
      plan.unread.insert(*it->second.key);
      plan.reused.emplace_back(h);
    } else {
      plan.changed += it->second.count;
    }
  }
  for (const auto& [h, listed] : by_hash)
    if (!roots.count(h)) plan.added += listed.count;
  return {std::move(plan), {}};
}

}  // namespace spackext::buildcache
