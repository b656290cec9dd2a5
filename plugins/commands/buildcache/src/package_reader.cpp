#include "buildcache/package_reader.hpp"

#include <map>

#include <spackext/errors.hpp>

#include "buildcache/catalog.hpp"
#include "buildcache/clearsign.hpp"
#include "buildcache/digest.hpp"
#include "buildcache/gpg.hpp"
#include "buildcache/gzip.hpp"
#include "buildcache/mirror_access.hpp"
#include "buildcache/query.hpp"
#include "buildcache/spack_json.hpp"

namespace spackext::buildcache {

namespace {

BuildcacheEntry entry_of(const CacheEntry& e) {
  return {e.spec.name, e.spec.version, e.spec.hash, e.metadata_key, e.signed_};
}

// The checksums a verified metadata payload records: v3 manifest records,
// a v2 spec file's binary_cache_checksum.
std::vector<std::string> recorded_checksums(const std::string& payload, const std::string& where) {
  auto doc = parse_json(payload, where);
  std::vector<std::string> out;
  if (doc.contains("data") && doc["data"].is_array())
    for (const auto& r : doc["data"])
      if (r.is_object() && r.contains("checksum") && r["checksum"].is_string()) out.push_back(r["checksum"]);
  if (doc.contains("binary_cache_checksum") && doc["binary_cache_checksum"].is_object()) {
    const auto& checksum = doc["binary_cache_checksum"];
    if (checksum.contains("hash") && checksum["hash"].is_string()) out.push_back(checksum["hash"].get<std::string>());
  }
  return out;
}

class View final : public BuildcacheView {
 public:
  View(OpenedMirror mirror, BuildcacheReadOptions options)
      : mirror_(std::move(mirror)), options_(std::move(options)), catalog_(scan_mirror(*mirror_.store)) {
    for (const auto* e : catalog_.unique_entries()) by_hash_.emplace(e->spec.hash, e);
  }

  std::string url() const override { return catalog_.mirror; }

  std::vector<BuildcacheEntry> find(const std::string& query) override {
    auto q = SpecQuery::parse(query);
    std::vector<BuildcacheEntry> out;
    for (const auto& [hash, e] : by_hash_)
      if (q.matches(e->spec)) out.push_back(entry_of(*e));
    return out;
  }

  std::optional<BuildcacheEntry> entry(const std::string& hash) override {
    auto it = by_hash_.find(hash);
    if (it == by_hash_.end()) return std::nullopt;
    return entry_of(*it->second);
  }

  BuildcachePackage package(const BuildcacheEntry& wanted) override {
    const CacheEntry& e = cache_entry(wanted.hash);
    const std::string where = url() + "/" + e.metadata_key;
    BuildcachePackage p;
    p.entry = entry_of(e);
    p.tarball_sha256 = e.tarball.sha256;
    const std::string text = read_object(*mirror_.store, e.metadata_key);
    if (is_clearsigned(text)) {
      auto check = keyring().verify_clearsigned(text);
      if (!check.good) throw InputError(where, "signature not valid: " + check.reason);
      p.signer = check.fingerprint;
      // What is used below must be what was signed.
      auto sums = recorded_checksums(check.payload, where);
      auto recorded = [&](const std::string& s) { return std::find(sums.begin(), sums.end(), s) != sums.end(); };
      if (!recorded(e.tarball.sha256) || (e.spec_blob && !recorded(e.spec_blob->sha256)))
        throw InputError(where, "the signed text does not record the checksums read from it");
    } else if (!options_.allow_unsigned) {
      throw InputError(where, "not signed (allow unsigned packages explicitly to use it)");
    }
    if (e.spec_blob) {
      const std::string blob = read_object(*mirror_.store, e.spec_blob->key);
      const auto actual = sha256_hex(blob);
      if (actual != e.spec_blob->sha256)
        throw InputError(url() + "/" + e.spec_blob->key,
                         "checksum mismatch: expected sha256 " + e.spec_blob->sha256 + ", got " + actual);
      const bool gz = blob.size() > 2 && blob[0] == '\x1f' && blob[1] == '\x8b';
      p.spec_file = parse_json(gz ? gunzip(blob, url() + "/" + e.spec_blob->key) : blob, url() + "/" + e.spec_blob->key);
    } else {
      p.spec_file = e.spec_file;
    }
    return p;
  }

  void read_tarball(const BuildcachePackage& package, const ByteSink& sink) override {
    const CacheEntry& e = cache_entry(package.entry.hash);
    Sha256 h;
    std::uint64_t size = 0;
    bool stopped = false;
    mirror_.store->get(e.tarball.key, [&](const char* d, std::size_t n) {
      h.update(d, n);
      size += n;
      if (!sink(d, n)) stopped = true;
      return !stopped;
    });
    if (stopped) throw Error("reading " + url() + "/" + e.tarball.key + " was aborted");
    const auto actual = h.hex();
    if (actual != package.tarball_sha256)
      throw InputError(url() + "/" + e.tarball.key,
                       "checksum mismatch: expected sha256 " + package.tarball_sha256 + ", got " + actual);
    if (e.tarball.size && *e.tarball.size != size)
      throw InputError(url() + "/" + e.tarball.key, "size mismatch: expected " + std::to_string(*e.tarball.size) +
                                                          " bytes, got " + std::to_string(size));
  }

 private:
  const CacheEntry& cache_entry(const std::string& hash) const {
    auto it = by_hash_.find(hash);
    if (it == by_hash_.end()) throw InputError(url(), "no package with hash " + hash + " in this buildcache");
    return *it->second;
  }

  Keyring& keyring() {
    if (!keyring_) keyring_ = std::make_unique<Keyring>(options_.keyring);
    return *keyring_;
  }

  OpenedMirror mirror_;
  BuildcacheReadOptions options_;
  Catalog catalog_;
  std::map<std::string, const CacheEntry*> by_hash_;
  std::unique_ptr<Keyring> keyring_;
};

}  // namespace

std::unique_ptr<BuildcacheView> PackageReader::open(const std::string& mirror, const BuildcacheReadOptions& options) {
  auto opened = open_mirror(registry_, mirrors_(), mirror, false);
  auto o = options;
  if (!o.keyring) o.keyring = default_keyring_;
  return std::make_unique<View>(std::move(opened), std::move(o));
}

}  // namespace spackext::buildcache
