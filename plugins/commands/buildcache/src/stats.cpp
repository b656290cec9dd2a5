#include "buildcache/stats.hpp"

#include <set>

#include <spackext/event.hpp>

#include "buildcache/verify.hpp"

namespace spackext::buildcache {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view x) {
  return s.size() >= x.size() && s.substr(s.size() - x.size()) == x;
}

// Stored objects that are content (blobs, tarballs), as opposed to metadata.
bool is_blob_key(const std::string& key) {
  return starts_with(key, "blobs/") || (starts_with(key, "build_cache/") && ends_with(key, ".spack"));
}

nlohmann::json groups_json(const std::map<std::string, GroupStats>& m) {
  auto j = nlohmann::json::object();
  for (const auto& [k, g] : m) j[k] = {{"specs", g.specs}, {"bytes", g.bytes}};
  return j;
}

}  // namespace

MirrorStats compute_stats(const Catalog& cat) {
  MirrorStats s;
  s.mirror = cat.mirror;
  s.problems = cat.problems;
  s.object_count = cat.objects.size();
  for (const auto& [key, info] : cat.objects) s.total_bytes += info.size;
  auto size_of = [&](const std::string& key) -> std::uint64_t {
    auto it = cat.objects.find(key);
    return it == cat.objects.end() ? 0 : it->second.size;
  };
  for (const auto& e : cat.entries) ++s.specs_by_layout[to_string(e.layout)];
  for (const auto* e : cat.unique_entries()) {
    ++s.spec_count;
    std::uint64_t bytes = size_of(e->tarball.key) + size_of(e->metadata_key) +
                          (e->spec_blob ? size_of(e->spec_blob->key) : 0);
    s.entry_bytes += bytes;
    auto add = [&](std::map<std::string, GroupStats>& m, const std::string& k) {
      auto& g = m[k.empty() ? "none" : k];
      ++g.specs;
      g.bytes += bytes;
    };
    add(s.by_package, e->spec.name);
    add(s.by_arch, e->spec.arch());
    add(s.by_compiler, e->spec.compiler());
    if (e->modified) {
      AgedSpec a{e->spec.display(), e->spec.hash, *e->modified};
      if (!s.oldest || a.time < s.oldest->time) s.oldest = a;
      if (!s.newest || a.time > s.newest->time) s.newest = a;
    }
  }
  auto referenced = cat.referenced_keys();
  for (const auto& [key, info] : cat.objects)
    if (is_blob_key(key) && !referenced.count(key)) s.orphan_blobs.push_back(key);
  std::set<std::string> missing;
  for (const auto& key : referenced)
    if (!cat.objects.count(key)) missing.insert(key);
  s.missing_blobs.assign(missing.begin(), missing.end());
  std::set<Layout> indexed;
  for (const auto& idx : cat.indexes) {
    indexed.insert(idx.layout);
    IndexFreshness f{idx.layout, idx.key, true, {}};
    for (const auto& p : check_index(cat, idx)) f.reasons.push_back(p.message);
    f.current = f.reasons.empty();
    s.indexes.push_back(std::move(f));
  }
  for (auto layout : cat.layouts)
    if (!indexed.count(layout) && s.specs_by_layout.count(to_string(layout)))
      s.indexes.push_back({layout, "", false, {"no index"}});
  return s;
}

nlohmann::json MirrorStats::to_json() const {
  nlohmann::json j;
  j["mirror"] = mirror;
  j["spec_count"] = spec_count;
  j["specs_by_layout"] = specs_by_layout;
  j["object_count"] = object_count;
  j["total_bytes"] = total_bytes;
  j["entry_bytes"] = entry_bytes;
  j["by_package"] = groups_json(by_package);
  j["by_arch"] = groups_json(by_arch);
  j["by_compiler"] = groups_json(by_compiler);
  auto aged = [](const std::optional<AgedSpec>& a) -> nlohmann::json {
    if (!a) return nullptr;
    return {{"spec", a->spec}, {"hash", a->hash}, {"time", format_timestamp(a->time)}};
  };
  j["oldest"] = aged(oldest);
  j["newest"] = aged(newest);
  j["orphan_blobs"] = orphan_blobs;
  j["missing_blobs"] = missing_blobs;
  j["indexes"] = nlohmann::json::array();
  for (const auto& i : indexes)
    j["indexes"].push_back(
        {{"layout", to_string(i.layout)}, {"key", i.key}, {"current", i.current}, {"reasons", i.reasons}});
  j["problems"] = nlohmann::json::array();
  for (const auto& p : problems) j["problems"].push_back({{"object", p.object}, {"message", p.message}});
  return j;
}

}  // namespace spackext::buildcache
