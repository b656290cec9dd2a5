#include "buildcache/check.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>
#include <unordered_map>

#include <spackext/errors.hpp>

#include "buildcache/clearsign.hpp"
#include "buildcache/index_store.hpp"
#include "buildcache/parallel.hpp"
#include "buildcache/query.hpp"

namespace spackext::buildcache {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Spack's DAG hashes are lowercase RFC 4648 base32: a-z and 2-7.
bool is_base32(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'); });
}

constexpr std::size_t kHashLength = 32;
constexpr std::size_t kShortestPrefix = 7;  // Spack's `{hash:7}`

bool by_name_version_hash(const WantedSpec& a, const WantedSpec& b) {
  return std::tie(a.name, a.version, a.hash) < std::tie(b.name, b.version, b.hash);
}

// Where Spack keeps an entry's metadata, from how the index describes it
// (spec-formats §1a, §1b, §2). For v2 the signed file comes first: Spack
// reads `.spec.json.sig` before `.spec.json`.
std::vector<std::string> metadata_keys(Layout layout, const SpecNode& s) {
  switch (layout) {
    case Layout::v3:
      return {"v3/manifests/spec/" + s.name + "/" + s.name + "-" + s.version + "-" + s.hash + ".spec.manifest.json"};
    case Layout::v2: {
      const std::string compiler =
          s.compiler_name.empty() ? "none-none" : s.compiler_name + "-" + s.compiler_version;
      const std::string stem = "build_cache/" + s.arch() + "-" + compiler + "-" + s.name + "-" + s.version + "-" + s.hash;
      return {stem + ".spec.json.sig", stem + ".spec.json"};
    }
    case Layout::oci:
      return {"manifests/" + oci_tag(s)};
  }
  return {};
}

// The wanted hashes (exact) and prefixes, for matching a mirror's hashes.
class WantedHashes {
 public:
  explicit WantedHashes(const std::vector<WantedSpec>& wanted) {
    for (const auto& w : wanted) (w.exact ? exact_ : prefixes_).insert(w.hash);
  }
  bool wants(const std::string& hash) const {
    if (exact_.count(hash)) return true;
    return std::any_of(prefixes_.begin(), prefixes_.end(), [&](const std::string& p) { return starts_with(hash, p); });
  }
  // Two different hashes a prefix stands for cannot both be meant.
  void check_unambiguous(const std::set<std::string>& found, const std::string& mirror) const {
    for (const auto& p : prefixes_) {
      std::vector<std::string> hits;
      for (const auto& h : found)
        if (starts_with(h, p)) hits.push_back(h);
      if (hits.size() > 1) {
        std::string names;
        for (const auto& h : hits) names += " " + h;
        throw InputError("/" + p, "is ambiguous on " + mirror + ": it starts" + names);
      }
    }
  }

 private:
  std::set<std::string> exact_;
  std::set<std::string> prefixes_;
};

void from_index(MirrorStore& store, const std::string& mirror, LoadedIndex& loaded, const WantedHashes& wanted,
                const CheckOptions& options, MirrorFindings& out) {
  out.from_index = true;
  out.index_key = loaded.key;
  out.layouts = {loaded.layout};
  std::vector<SpecNode> listed;  // owned: few, and kept in `out` after the index is gone
  std::set<std::string> hashes;
  for (const auto& r : loaded.index.records)
    if (r.in_buildcache && wanted.wants(std::string(r.spec.hash)) && hashes.insert(std::string(r.spec.hash)).second)
      listed.push_back(SpecNode::copy_of(r.spec));
  wanted.check_unambiguous(hashes, mirror);
  // The index says what should be there; the metadata object says whether it
  // still is, and whether it is signed. One small read per wanted entry.
  std::mutex mutex;
  parallel_for(listed.size(), options.jobs, [&](std::size_t i) {
    const SpecNode& s = listed[i];
    std::optional<Holding> found;
    for (const auto& key : metadata_keys(loaded.layout, s)) {
      if (!store.stat(key)) continue;
      Holding h{mirror, loaded.layout, false, key};
      if (loaded.layout == Layout::v2) h.signed_ = key.size() > 4 && key.substr(key.size() - 4) == ".sig";
      if (loaded.layout == Layout::v3) h.signed_ = is_clearsigned(read_object(store, key));
      found = std::move(h);
      break;
    }
    std::lock_guard lock(mutex);
    if (!found) {
      out.stale.push_back(s.hash);
      return;
    }
    out.held[s.hash].push_back(std::move(*found));
    out.nodes.emplace(s.hash, s);
  });
  std::sort(out.stale.begin(), out.stale.end());
}

void from_scan(MirrorStore& store, const std::string& mirror, const WantedHashes& wanted, const CheckOptions& options,
               MirrorFindings& out) {
  ScanOptions so;
  so.jobs = options.jobs;
  auto cat = scan_mirror(store, so);
  for (const auto& pr : cat.problems)
    if (options.warn) options.warn(mirror + ": " + pr.object + ": " + pr.message);
  out.layouts.assign(cat.layouts.begin(), cat.layouts.end());
  std::set<std::string> hashes;
  for (const auto& e : cat.entries) {
    if (!wanted.wants(e.spec.hash)) continue;
    hashes.insert(e.spec.hash);
    out.held[e.spec.hash].push_back({mirror, e.layout, e.signed_, e.metadata_key});
    out.nodes.emplace(e.spec.hash, e.spec);
  }
  wanted.check_unambiguous(hashes, mirror);
}

}  // namespace

SpecNode to_spec_node(const spack::ConcreteSpec& c) {
  SpecNode n;
  n.name = c.name;
  n.version = c.version;
  n.platform = c.arch.platform;
  n.os = c.arch.os;
  n.target = c.arch.target;
  if (c.compiler) {
    n.compiler_name = c.compiler->name;
    n.compiler_version = c.compiler->version;
    n.compiler_hash = c.compiler->hash;
  }
  n.hash = c.hash;
  n.namespace_ = c.namespace_name;
  n.external = c.external();
  return n;
}

std::vector<std::string> group_spec_words(const std::vector<std::string>& words) {
  std::vector<std::string> groups;
  for (const auto& w : words) {
    const bool starts_spec = !w.empty() && (w.front() == '/' || std::isalnum(static_cast<unsigned char>(w.front()))) &&
                             w.find('=') == std::string::npos;
    if (starts_spec || groups.empty())
      groups.push_back(w);
    else
      groups.back() += " " + w;
  }
  return groups;
}

Selection select_specs(const spack::SpecSet& source, const std::vector<std::string>& queries,
                       const std::string& where) {
  Selection out;
  std::set<std::string> chosen;
  auto take = [&](const spack::ConcreteSpec& c) {
    // A database record that is no longer installed is not part of the stack.
    if (!c.present || !chosen.insert(c.hash).second) return;
    if (c.external())
      out.externals.push_back(to_spec_node(c));
    else
      out.specs.push_back({c.hash, c.name, c.version, true});
  };
  if (queries.empty()) {
    for (const auto& [hash, spec] : source.all()) take(spec);
  } else {
    for (const auto& text : queries) {
      const auto query = SpecQuery::parse(text);
      bool matched = false;
      for (const auto& [hash, spec] : source.all())
        if (spec.present && query.matches(to_spec_node(spec))) {
          matched = true;
          take(spec);
        }
      if (!matched) throw InputError(where, "no spec matches '" + text + "'");
    }
  }
  std::sort(out.specs.begin(), out.specs.end(), by_name_version_hash);
  std::sort(out.externals.begin(), out.externals.end(),
            [](const SpecNode& a, const SpecNode& b) { return std::tie(a.name, a.hash) < std::tie(b.name, b.hash); });
  return out;
}

std::vector<WantedSpec> hash_specs(const std::vector<std::string>& words) {
  std::vector<WantedSpec> out;
  std::set<std::string> seen;
  for (const auto& w : words) {
    // A bare word is a hash only when whole: "peerhello" is base32 too.
    const bool slash = !w.empty() && w.front() == '/';
    const std::string hash = slash ? w.substr(1) : w;
    if (!is_base32(hash) || hash.size() > kHashLength || (!slash && hash.size() != kHashLength))
      throw UsageError("buildcache check: '" + w +
                       "' is not a DAG hash; without --lock or --db a SPEC is /HASH (a spec query needs a lockfile or "
                       "database to resolve against)");
    if (hash.size() < kShortestPrefix)
      throw UsageError("buildcache check: '" + w + "' is too short; give at least " + std::to_string(kShortestPrefix) +
                       " characters of the hash");
    if (seen.insert(hash).second) out.push_back({hash, "", "", hash.size() == kHashLength});
  }
  return out;
}

std::string to_string(CheckStatus s) {
  switch (s) {
    case CheckStatus::present: return "present";
    case CheckStatus::unsigned_only: return "unsigned-only";
    case CheckStatus::missing: return "missing";
  }
  return "?";
}

CheckStatus status_of(const std::vector<Holding>& holdings) {
  if (holdings.empty()) return CheckStatus::missing;
  return std::any_of(holdings.begin(), holdings.end(), [](const Holding& h) { return h.signed_; })
             ? CheckStatus::present
             : CheckStatus::unsigned_only;
}

MirrorFindings find_on_mirror(MirrorStore& store, const std::string& mirror, const std::vector<WantedSpec>& wanted,
                              const CheckOptions& options) {
  MirrorFindings out;
  const WantedHashes hashes(wanted);
  std::optional<LoadedIndex> index;
  if (!options.scan) {
    try {
      index = load_index(store);
    } catch (const MirrorNotFound&) {
      throw;
    } catch (const std::exception& e) {
      // A damaged index is no reason to give up: the metadata still says it.
      if (options.warn) options.warn(mirror + ": index unreadable, reading every spec's metadata instead: " + e.what());
    }
  }
  if (index)
    from_index(store, mirror, *index, hashes, options, out);
  else
    from_scan(store, mirror, hashes, options, out);
  return out;
}

std::vector<CheckedSpec> merge_findings(const std::vector<WantedSpec>& wanted,
                                        const std::vector<MirrorFindings>& findings) {
  std::vector<CheckedSpec> out;
  std::set<std::string> rows;
  for (const auto& w : wanted) {
    // The full hashes this wanted spec stands for, on any mirror.
    std::set<std::string> hashes;
    if (w.exact) hashes.insert(w.hash);
    for (const auto& f : findings)
      if (!w.exact)
        for (const auto& [h, held] : f.held)
          if (starts_with(h, w.hash)) hashes.insert(h);
    if (hashes.size() > 1) {
      std::string names;
      for (const auto& h : hashes) names += " " + h;
      throw InputError("/" + w.hash, "is ambiguous across the mirrors: it starts" + names);
    }
    CheckedSpec row;
    row.spec = w;
    if (!hashes.empty()) row.spec.hash = *hashes.begin();
    if (!rows.insert(row.spec.hash).second) continue;  // two prefixes of one hash
    row.spec.exact = !hashes.empty();
    for (const auto& f : findings) {
      auto held = f.held.find(row.spec.hash);
      if (held == f.held.end()) continue;
      row.holdings.insert(row.holdings.end(), held->second.begin(), held->second.end());
      if (row.spec.name.empty()) {
        const auto& node = f.nodes.at(row.spec.hash);
        row.spec.name = node.name;
        row.spec.version = node.version;
      }
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace spackext::buildcache
