#include "buildcache/digest_ledger.hpp"

#include <chrono>

namespace spackext::buildcache {

namespace {

constexpr int kSchemaVersion = 1;
constexpr std::string_view kSchema = R"(
CREATE TABLE IF NOT EXISTS proved_digests (
  store    TEXT NOT NULL,
  key      TEXT NOT NULL,
  size     INTEGER NOT NULL,
  etag     TEXT NOT NULL,
  modified INTEGER NOT NULL,
  sha256   TEXT NOT NULL,
  PRIMARY KEY (store, key)
);
)";

// A version can only be recognised again if the listing names it: an etag
// and a modification time (seconds, the resolution S3 listings give).
bool has_version(const ObjectInfo& o) { return !o.etag.empty() && o.modified.has_value(); }

std::int64_t seconds(const ObjectInfo& o) {
  return std::chrono::duration_cast<std::chrono::seconds>(o.modified->time_since_epoch()).count();
}

}  // namespace

DigestLedger::DigestLedger(const std::filesystem::path& file, std::string store_url)
    : db_(file, kSchemaVersion, kSchema), store_(std::move(store_url)) {
  auto q = db_.prepare("SELECT key, size, etag, modified, sha256 FROM proved_digests WHERE store = ?");
  q.bind(1, store_);
  while (q.step())
    known_[q.text(0)] = Version{static_cast<std::uint64_t>(q.integer(1)), q.text(2), q.integer(3), q.text(4)};
}

std::string DigestLedger::proved(const ObjectInfo& listed) const {
  if (!has_version(listed)) return {};
  auto it = known_.find(listed.key);
  if (it == known_.end()) return {};
  const auto& v = it->second;
  if (v.size != listed.size || v.etag != listed.etag || v.modified != seconds(listed)) return {};
  return v.sha256;
}

void DigestLedger::record(const std::vector<std::pair<ObjectInfo, std::string>>& proofs) {
  db_.transaction([&] {
    auto put = db_.prepare(
        "INSERT OR REPLACE INTO proved_digests (store, key, size, etag, modified, sha256) VALUES (?, ?, ?, ?, ?, ?)");
    for (const auto& [o, sha256] : proofs) {
      if (!has_version(o)) continue;
      put.bind(1, store_).bind(2, o.key).bind(3, static_cast<std::int64_t>(o.size)).bind(4, o.etag);
      put.bind(5, seconds(o)).bind(6, sha256).run();
      known_[o.key] = Version{o.size, o.etag, seconds(o), sha256};
    }
  });
}

}  // namespace spackext::buildcache
