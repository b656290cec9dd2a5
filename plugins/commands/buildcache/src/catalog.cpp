#include "buildcache/catalog.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <unordered_map>

#include <spackext/errors.hpp>

#include "buildcache/clearsign.hpp"
#include "buildcache/digest.hpp"
#include "buildcache/gzip.hpp"
#include "buildcache/parallel.hpp"
#include "buildcache/spack_json.hpp"

namespace spackext::buildcache {

namespace {

constexpr std::string_view kV2Dir = "build_cache/";
constexpr std::string_view kV2Index = "build_cache/index.json";
constexpr std::string_view kV2IndexHash = "build_cache/index.json.hash";
constexpr std::string_view kV3SpecManifests = "v3/manifests/spec/";
constexpr std::string_view kV3KeyManifests = "v3/manifests/key/";
constexpr std::string_view kV3IndexManifest = "v3/manifests/index/index.manifest.json";
constexpr std::string_view kOciTags = "tags/list";
constexpr std::string_view kOciIndexTag = "index.spack";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

constexpr std::string_view kV3ManifestSuffix = ".spec.manifest.json";
constexpr std::string_view kV2SpecSuffix = ".spec.json";
constexpr std::string_view kV2SignedSuffix = ".spec.json.sig";

// build_cache/<stem>.spec.json[.sig] -> <stem> (the tarball is <stem>.spack).
std::string_view v2_stem(std::string_view key) {
  auto name = key.substr(kV2Dir.size());
  return name.substr(0, name.size() - (ends_with(name, kV2SignedSuffix) ? kV2SignedSuffix.size() : kV2SpecSuffix.size()));
}

// One record of a v3 manifest.
struct ManifestRecord {
  std::string media_type;
  std::string compression;
  std::string checksum;
  std::uint64_t length = 0;
};

std::vector<ManifestRecord> parse_manifest(const std::string& text, const std::string& where) {
  auto doc = parse_json(json_payload(text), where);
  if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array())
    throw InputError(where, "manifest has no 'data' list");
  std::vector<ManifestRecord> out;
  for (const auto& r : doc["data"]) {
    for (const char* k : {"contentLength", "mediaType", "compression", "checksumAlgorithm", "checksum"})
      if (!r.contains(k)) throw InputError(where, std::string("manifest record lacks '") + k + "'");
    for (const char* k : {"mediaType", "compression", "checksum"})
      if (!r[k].is_string()) throw InputError(where, std::string("manifest record's '") + k + "' is not a string");
    if (!r["contentLength"].is_number_unsigned())
      throw InputError(where, "manifest record's 'contentLength' is not a non-negative integer");
    if (r["checksumAlgorithm"] != "sha256")
      throw InputError(where, "unsupported checksum algorithm " + r["checksumAlgorithm"].dump());
    ManifestRecord m;
    m.media_type = r["mediaType"].get<std::string>();
    m.compression = r["compression"].get<std::string>();
    m.checksum = r["checksum"].get<std::string>();
    m.length = r["contentLength"].get<std::uint64_t>();
    if (!is_sha256_hex(m.checksum)) throw InputError(where, "checksum is not a sha256 hex digest");
    out.push_back(std::move(m));
  }
  return out;
}

BlobRef v3_ref(const ManifestRecord& r, std::string role) {
  return BlobRef{v3_blob_key(r.checksum), r.checksum, r.length, std::move(role)};
}

std::string digest_hex(const Json& descriptor, const std::string& where) {
  if (!descriptor.is_object() || !descriptor.contains("digest") || !descriptor["digest"].is_string())
    throw InputError(where, "descriptor is not an object with a 'digest' string");
  auto d = descriptor["digest"].get<std::string>();
  if (!starts_with(d, "sha256:") || !is_sha256_hex(d.substr(7)))
    throw InputError(where, "descriptor digest '" + d + "' is not sha256:<hex>");
  return d.substr(7);
}

BlobRef oci_ref(const Json& descriptor, std::string role, const std::string& where) {
  auto hex = digest_hex(descriptor, where);
  BlobRef r{oci_blob_key(hex), hex, std::nullopt, std::move(role)};
  if (descriptor.contains("size")) {
    if (!descriptor["size"].is_number_unsigned())
      throw InputError(where, "descriptor size is not a non-negative integer");
    r.size = descriptor["size"].get<std::uint64_t>();
  }
  return r;
}

// Spack's `archive_timestamp` (Python's isoformat(): "2026-11-21T05:12:10.502298+00:00",
// or without an offset, read as UTC); nullopt when it is not one.
std::optional<std::chrono::system_clock::time_point> archive_time(const Json& config) {
  auto it = config.find("archive_timestamp");
  if (it == config.end() || !it->is_string()) return std::nullopt;
  const auto text = it->get<std::string>();
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return std::nullopt;
  if (*rest == '.')
    while (std::isdigit(static_cast<unsigned char>(*++rest))) {
    }
  long offset = 0;
  if (*rest == 'Z') {
    ++rest;
  } else if (*rest == '+' || *rest == '-') {
    int h = 0, m = 0, used = 0;
    if (std::sscanf(rest + 1, "%2d:%2d%n", &h, &m, &used) != 2 || used != 5) return std::nullopt;
    offset = (*rest == '-' ? -1 : 1) * (h * 3600L + m * 60L);
    rest += 6;
  }
  if (*rest) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm) - offset);
}

class Scanner {
 public:
  Scanner(MirrorStore& store, const ScanOptions& options, Catalog& out)
      : store_(store), options_(options), cat_(out) {}

  void run() {
    cat_.mirror = store_.url();
    if (options_.listing)
      cat_.objects = *options_.listing;
    else
      store_.list("", [&](const ObjectInfo& o) { cat_.objects.emplace_hint(cat_.objects.end(), o.key, o); });
    if (cat_.objects.count(std::string(kOciTags))) scan_oci();
    scan_v3();
    scan_v2();
    std::stable_sort(cat_.entries.begin(), cat_.entries.end(), [](const auto& a, const auto& b) {
      auto rank = [](Layout l) { return l == Layout::v3 ? 0 : l == Layout::v2 ? 1 : 2; };
      if (rank(a.layout) != rank(b.layout)) return rank(a.layout) < rank(b.layout);
      return std::tie(a.spec.name, a.spec.version, a.spec.hash) < std::tie(b.spec.name, b.spec.version, b.spec.hash);
    });
  }

 private:
  std::string where(std::string_view key) const { return cat_.mirror + ": " + std::string(key); }

  void problem(std::string object, std::string message) {
    std::lock_guard lock(mutex_);
    cat_.problems.push_back({std::move(object), std::move(message)});
  }

  std::optional<std::chrono::system_clock::time_point> mtime(const std::string& key) const {
    auto it = cat_.objects.find(key);
    return it == cat_.objects.end() ? std::nullopt : it->second.modified;
  }

  // Runs `read(key)` on each key in parallel, turning errors into problems.
  template <class Fn>
  void each(const std::vector<std::string>& keys, Fn&& read) {
    parallel_for(keys.size(), options_.jobs, [&](std::size_t i) {
      try {
        read(keys[i]);
      } catch (const std::exception& e) {
        problem(keys[i], e.what());
      }
    });
  }

  // Takes a known entry for `key` instead of reading it (see ScanOptions::known).
  bool reuse_known(const std::string& key) {
    if (!options_.known) return false;
    auto it = options_.known->find(key);
    if (it == options_.known->end()) return false;
    CacheEntry e = it->second;
    e.modified = mtime(key);
    add_entry(std::move(e));
    return true;
  }

  void add_entry(CacheEntry e) {
    std::lock_guard lock(mutex_);
    if (e.signed_) cat_.signed_metadata.push_back(e.metadata_key);
    cat_.entries.push_back(std::move(e));
  }

  void scan_v3() {
    const auto manifests = spec_metadata_keys(cat_.objects, Layout::v3);
    std::vector<std::string> keys;
    for (const auto& [key, info] : cat_.objects)
      if (starts_with(key, kV3KeyManifests) && ends_with(key, ".manifest.json")) keys.push_back(key);
    bool has_layout = cat_.objects.count("v3/layout.json") > 0;
    if (manifests.empty() && keys.empty() && !has_layout && !cat_.objects.count(std::string(kV3IndexManifest)))
      return;
    cat_.layouts.insert(Layout::v3);
    if (!has_layout) problem("v3/layout.json", "missing (Spack expects it in a layout v3 mirror)");
    each(manifests, [&](const std::string& key) {
      if (options_.unread.count(key) || reuse_known(key)) return;
      auto text = read_object(store_, key);
      auto records = parse_manifest(text, where(key));
      CacheEntry e;
      e.layout = Layout::v3;
      e.metadata_key = key;
      e.metadata_sha256 = sha256_hex(text);
      e.signed_ = is_clearsigned(text);
      e.modified = mtime(key);
      const ManifestRecord* tarball = nullptr;
      const ManifestRecord* spec = nullptr;
      for (const auto& r : records) {
        if (starts_with(r.media_type, "application/vnd.spack.install.")) tarball = &r;
        if (starts_with(r.media_type, "application/vnd.spack.spec.")) spec = &r;
      }
      if (!tarball || !spec) throw InputError(where(key), "spec manifest lacks a tarball or spec record");
      e.tarball = v3_ref(*tarball, "tarball");
      e.spec_blob = v3_ref(*spec, "spec");
      auto blob = read_object(store_, e.spec_blob->key);
      auto json_text = spec->compression == "gzip" ? gunzip(blob, where(e.spec_blob->key)) : blob;
      e.spec_file = parse_json(json_text, where(e.spec_blob->key));
      e.spec = parse_spec_file(e.spec_file, where(e.spec_blob->key)).root();
      add_entry(std::move(e));
    });
    each(keys, [&](const std::string& key) {
      auto text = read_object(store_, key);
      auto records = parse_manifest(text, where(key));
      std::lock_guard lock(mutex_);
      if (is_clearsigned(text)) cat_.signed_metadata.push_back(key);
      for (const auto& r : records) {
        cat_.other_blobs.push_back(v3_ref(r, "key"));
        if (r.media_type == "application/pgp-keys") cat_.public_keys.push_back(v3_blob_key(r.checksum));
      }
    });
    if (cat_.objects.count(std::string(kV3IndexManifest)) && !options_.unread_indexes.count(Layout::v3)) {
      IndexState st;
      st.layout = Layout::v3;
      st.key = kV3IndexManifest;
      try {
        auto records = parse_manifest(read_object(store_, st.key), where(st.key));
        if (records.empty()) throw InputError(where(st.key), "index manifest has no record");
        st.blob = v3_ref(records.front(), "index");
        cat_.other_blobs.push_back(*st.blob);
        auto text = read_object(store_, st.blob->key);
        st.actual_sha256 = sha256_hex(text);
        st.index = parse_index(text, where(st.blob->key));
      } catch (const std::exception& e) {
        st.error = e.what();
      }
      cat_.indexes.push_back(std::move(st));
    }
  }

  void scan_v2() {
    const auto spec_files = spec_metadata_keys(cat_.objects, Layout::v2);
    bool has_index = cat_.objects.count(std::string(kV2Index)) > 0;
    // Spec files sit directly in build_cache/; tarballs are found by name,
    // in a table made only when some spec file is to be read.
    const auto listed = [&](const std::string& key) { return options_.unread.count(key) > 0; };
    const bool reads = !std::all_of(spec_files.begin(), spec_files.end(), listed);
    std::unordered_map<std::string_view, const std::string*> tarballs;  // file name -> key
    bool any_tarball = false;
    for (auto it = cat_.objects.lower_bound(std::string(kV2Dir));
         it != cat_.objects.end() && starts_with(it->first, kV2Dir); ++it)
      if (ends_with(it->first, ".spack")) {
        any_tarball = true;
        if (!reads) break;
        tarballs.emplace(std::string_view(it->first).substr(it->first.rfind('/') + 1), &it->first);
      }
    if (spec_files.empty() && !any_tarball && !has_index) return;
    cat_.layouts.insert(Layout::v2);
    parallel_for(spec_files.size(), options_.jobs, [&](std::size_t i) {
      const auto& key = spec_files[i];
      try {
        if (listed(key) || reuse_known(key)) return;
        const std::string stem(v2_stem(key));
        auto text = read_object(store_, key);
        CacheEntry e;
        e.layout = Layout::v2;
        e.metadata_key = key;
        e.metadata_sha256 = sha256_hex(text);
        e.signed_ = is_clearsigned(text);
        e.modified = mtime(key);
        e.spec_file = parse_json(json_payload(text), where(key));
        e.spec = parse_spec_file(e.spec_file, where(key)).root();
        auto checksum = e.spec_file.value("binary_cache_checksum", Json::object());
        if (!checksum.is_object() || checksum.value("hash_algorithm", Json()) != "sha256" ||
            !checksum.contains("hash") || !checksum["hash"].is_string())
          throw InputError(where(key), "no sha256 'binary_cache_checksum'");
        e.tarball.sha256 = checksum["hash"].get<std::string>();
        e.tarball.role = "tarball";
        auto t = tarballs.find(stem + ".spack");
        // A missing tarball gets the path Spack would use, so it is reported by name.
        e.tarball.key = t != tarballs.end()
                            ? *t->second
                            : std::string(kV2Dir) + e.spec.arch() + "/" +
                                  (e.spec.compiler_name.empty() ? "none-none"
                                                                : e.spec.compiler_name + "-" + e.spec.compiler_version) +
                                  "/" + e.spec.name + "-" + e.spec.version + "/" + stem + ".spack";
        add_entry(std::move(e));
      } catch (const std::exception& ex) {
        problem(key, ex.what());
      }
    });
    for (const auto& [key, info] : cat_.objects)
      if (starts_with(key, "build_cache/_pgp/") && ends_with(key, ".pub")) cat_.public_keys.push_back(key);
    if (has_index && !options_.unread_indexes.count(Layout::v2)) {
      IndexState st;
      st.layout = Layout::v2;
      st.key = kV2Index;
      try {
        auto text = read_object(store_, st.key);
        BlobRef ref{st.key, {}, std::nullopt, "index"};
        if (cat_.objects.count(std::string(kV2IndexHash))) {
          auto hash = read_object(store_, kV2IndexHash).substr(0, 64);
          if (!is_sha256_hex(hash)) throw InputError(where(kV2IndexHash), "not a sha256 hex digest");
          ref.sha256 = hash;
        }
        st.blob = ref;
        st.actual_sha256 = sha256_hex(text);
        st.index = parse_index(text, where(st.key));
      } catch (const std::exception& e) {
        st.error = e.what();
      }
      cat_.indexes.push_back(std::move(st));
    }
  }

  void scan_oci() {
    cat_.layouts.insert(Layout::oci);
    auto tags_doc = parse_json(read_object(store_, kOciTags), where(kOciTags));
    if (!tags_doc.is_object()) throw InputError(where(kOciTags), "tag list is not a JSON object");
    const auto listed = tags_doc.value("tags", Json::array());  // a registry may send "tags": null
    if (!listed.is_array() && !listed.is_null()) throw InputError(where(kOciTags), "'tags' is not a list");
    std::set<std::string> tags;
    for (const auto& t : listed.is_array() ? listed : Json::array()) {
      if (!t.is_string()) throw InputError(where(kOciTags), "tag " + t.dump() + " is not a string");
      tags.insert(t.get<std::string>());
    }
    // And every tagged manifest the store's listing found: the tag list was
    // read again just now, and a copy damaged on the way (or changed since)
    // must not leave out a spec the listing saw. A tag only this read has
    // and whose manifest does not exist is a problem of an absent object.
    for (const auto& [key, info] : cat_.objects)
      if (starts_with(key, "manifests/") && key.find(':') == std::string::npos) tags.insert(key.substr(10));
    // By manifest key, not tag: a problem names the object, which is how an
    // index update tells an unreadable manifest (stop) from an absent one.
    std::vector<std::string> manifest_keys;
    for (const auto& t : tags) manifest_keys.push_back("manifests/" + t);
    each(manifest_keys, [&](const std::string& key) {
      const auto tag = key.substr(10);
      if (tag == kOciIndexTag) return scan_oci_index(key);
      if (ends_with(tag, kPruneJournalSuffix)) return;
      const auto manifest_text = read_object(store_, key);
      auto manifest = parse_json(manifest_text, where(key));
      if (!manifest.contains("config") || !manifest.contains("layers") || !manifest["layers"].is_array() ||
          manifest["layers"].empty())
        throw InputError(where(key), "image manifest lacks config or layers");
      auto config = oci_ref(manifest["config"], "config", where(key));
      std::vector<BlobRef> layers;
      for (const auto& l : manifest["layers"]) layers.push_back(oci_ref(l, "layer", where(key)));
      auto config_doc = parse_json(read_object(store_, config.key), where(config.key));
      if (!config_doc.contains("spec")) {  // not a Spack image: keep its blobs referenced
        std::lock_guard lock(mutex_);
        cat_.other_blobs.push_back(config);
        for (auto& l : layers) cat_.other_blobs.push_back(l);
        return;
      }
      CacheEntry e;
      e.layout = Layout::oci;
      e.metadata_key = key;
      e.metadata_sha256 = sha256_hex(manifest_text);
      e.modified = mtime(key);
      if (!e.modified) e.modified = archive_time(config_doc);
      e.spec_file = config_doc;
      e.spec = parse_spec_file(config_doc, where(config.key)).root();
      e.tarball = layers.back();
      e.tarball.role = "tarball";
      const auto checksum = config_doc.value("binary_cache_checksum", Json::object());
      const auto declared = checksum.is_object() && checksum.contains("hash") && checksum["hash"].is_string()
                                ? checksum["hash"].get<std::string>()
                                : std::string();
      if (!declared.empty() && declared != e.tarball.sha256)
        problem(config.key, "binary_cache_checksum " + declared + " differs from the last layer " + e.tarball.sha256);
      e.spec_blob = config;
      {
        // Dependency layers belong to other entries; keep them referenced.
        std::lock_guard lock(mutex_);
        for (std::size_t i = 0; i + 1 < layers.size(); ++i) cat_.other_blobs.push_back(layers[i]);
      }
      e.shared_layers.assign(layers.begin(), layers.end() - 1);
      add_entry(std::move(e));
    });
  }

  // The index image: anything wrong with it (a manifest that does not parse
  // or names no index blob, a blob that is not an index) is the index's
  // error, which the next index update repairs, not a problem with the mirror.
  void scan_oci_index(const std::string& key) {
    IndexState st;
    st.layout = Layout::oci;
    st.key = key;
    std::optional<BlobRef> config;
    try {
      st.manifest_text = read_object(store_, key);
      auto manifest = parse_json(st.manifest_text, where(key));
      if (!manifest.is_object() || !manifest.contains("config") || !manifest.contains("layers") ||
          !manifest["layers"].is_array() || manifest["layers"].empty())
        throw InputError(where(key), "index manifest lacks config or layers");
      config = oci_ref(manifest["config"], "config", where(key));
      st.blob = oci_ref(manifest["layers"].front(), "index", where(key));
      auto text = read_object(store_, st.blob->key);
      st.actual_sha256 = sha256_hex(text);
      st.index = parse_index(text, where(st.blob->key));
    } catch (const std::exception& e) {
      st.error = e.what();
    }
    std::lock_guard lock(mutex_);
    if (config) cat_.other_blobs.push_back(*config);
    if (st.blob) cat_.other_blobs.push_back(*st.blob);
    cat_.indexes.push_back(std::move(st));
  }

  MirrorStore& store_;
  const ScanOptions& options_;
  Catalog& cat_;
  std::mutex mutex_;
};

}  // namespace

std::string to_string(Layout l) {
  switch (l) {
    case Layout::v2: return "v2";
    case Layout::v3: return "v3";
    case Layout::oci: return "oci";
  }
  return "?";
}

std::vector<std::string> spec_metadata_keys(const std::map<std::string, ObjectInfo>& objects, Layout layout) {
  std::vector<std::string> out;
  if (layout == Layout::v3) {
    for (auto it = objects.lower_bound(std::string(kV3SpecManifests));
         it != objects.end() && starts_with(it->first, kV3SpecManifests); ++it)
      if (ends_with(it->first, kV3ManifestSuffix)) out.push_back(it->first);
  } else if (layout == Layout::v2) {
    // The spec files directly in build_cache/ by stem, a signed one preferred.
    std::vector<std::pair<std::string_view, const std::string*>> by_stem;
    for (auto it = objects.lower_bound(std::string(kV2Dir)); it != objects.end() && starts_with(it->first, kV2Dir);
         ++it) {
      const auto& key = it->first;
      if (key.find('/', kV2Dir.size()) != std::string::npos) continue;
      if (ends_with(key, kV2SignedSuffix) || ends_with(key, kV2SpecSuffix)) by_stem.emplace_back(v2_stem(key), &key);
    }
    std::stable_sort(by_stem.begin(), by_stem.end(), [](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first < b.first;
      return ends_with(*a.second, kV2SignedSuffix) && !ends_with(*b.second, kV2SignedSuffix);
    });
    out.reserve(by_stem.size());
    for (std::size_t i = 0; i < by_stem.size(); ++i)
      if (i == 0 || by_stem[i].first != by_stem[i - 1].first) out.push_back(*by_stem[i].second);
  }
  return out;
}

std::string_view hash_in_key(std::string_view key) {
  for (auto suffix : {kV3ManifestSuffix, kV2SignedSuffix, kV2SpecSuffix}) {
    if (!ends_with(key, suffix)) continue;
    auto stem = key.substr(0, key.size() - suffix.size());
    auto hash = stem.substr(stem.rfind('-') + 1);  // npos + 1 == 0: the whole stem
    // Spack's DAG hashes: 32 characters of base32 (a-z, 2-7).
    const bool is_hash = hash.size() == 32 && std::all_of(hash.begin(), hash.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
    });
    return is_hash && hash.size() < stem.size() ? hash : std::string_view();
  }
  return {};
}

std::string v3_blob_key(const std::string& sha256) { return "blobs/sha256/" + sha256.substr(0, 2) + "/" + sha256; }
std::string oci_blob_key(const std::string& sha256) { return "blobs/sha256/" + sha256; }

std::string oci_tag(const SpecNode& spec) {
  std::string tag = spec.name + "-" + spec.version + "-" + spec.hash + ".spack";
  for (auto& c : tag)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) c = '_';
  if (tag.size() > 128) tag = tag.substr(0, 64) + tag.substr(tag.size() - 64);
  return tag;
}

std::string read_object(MirrorStore& store, std::string_view key, std::uint64_t expected_size) {
  std::string out;
  if (expected_size > 0 && expected_size < (std::uint64_t{1} << 34))  // a hint, not trusted beyond reason
    out.reserve(static_cast<std::size_t>(expected_size) + kIndexParsePadding);
  store.get(key, [&](const char* d, std::size_t n) {
    out.append(d, n);
    return true;
  });
  out.reserve(out.size() + kIndexParsePadding);  // lets parse_index work in place
  return out;
}

std::vector<const CacheEntry*> Catalog::unique_entries() const {
  std::vector<const CacheEntry*> out;
  std::set<std::string> seen;
  for (const auto& e : entries)  // already sorted: v3 first
    if (seen.insert(e.spec.hash).second) out.push_back(&e);
  return out;
}

std::set<std::string> Catalog::referenced_keys() const {
  std::set<std::string> keys;
  for (const auto& e : entries) {
    keys.insert(e.metadata_key);
    keys.insert(e.tarball.key);
    if (e.spec_blob) keys.insert(e.spec_blob->key);
  }
  for (const auto& b : other_blobs) keys.insert(b.key);
  for (const auto& i : indexes) {
    keys.insert(i.key);
    if (i.blob) keys.insert(i.blob->key);
  }
  return keys;
}

Catalog scan_mirror(MirrorStore& store, const ScanOptions& options) {
  Catalog cat;
  Scanner(store, options, cat).run();
  return cat;
}

}  // namespace spackext::buildcache
