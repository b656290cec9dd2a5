#include "snapshot_catalog.hpp"

#include "snapshot_store.hpp"
#include "spackext/errors.hpp"

namespace spackext::snapshot {
namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS snapshots (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  environment TEXT NOT NULL,
  created_at TEXT NOT NULL,
  kind TEXT NOT NULL,
  spack_yaml TEXT NOT NULL,
  spack_lock TEXT NOT NULL DEFAULT '',
  install_db TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS snapshots_by_time ON snapshots(created_at);
)";

constexpr const char* kColumns =
    "id, name, description, environment, created_at, kind, spack_yaml, spack_lock, install_db";

SnapshotRecord row(const sqlite::Statement& q) {
  return {q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6), q.text(7), q.text(8)};
}

}  // namespace

nlohmann::json SnapshotRecord::manifest() const {
  nlohmann::json files = nlohmann::json::object();
  files["spack.yaml"] = spack_yaml;
  if (!spack_lock.empty()) files["spack.lock"] = spack_lock;
  if (!install_db.empty()) files["install-db"] = install_db;
  return {{"format", "spack-ext-snapshot"}, {"version", 1},       {"name", name},
          {"description", description},     {"environment", environment}, {"created_at", created_at},
          {"kind", kind},                   {"files", files}};
}

SnapshotRecord SnapshotRecord::from_manifest(const nlohmann::json& m, const std::string& where) {
  // Compared as JSON values: a "format" or "version" of another type is a
  // wrong manifest, not a type error escaping as an internal failure.
  if (!m.is_object() || !m.contains("format") || m["format"] != "spack-ext-snapshot")
    throw InputError(where, "not a spack-ext snapshot manifest");
  if (!m.contains("version") || m["version"] != 1) throw InputError(where, "unsupported snapshot manifest version");
  try {
    SnapshotRecord r;
    r.name = m.at("name").get<std::string>();
    r.description = m.value("description", "");
    r.environment = m.at("environment").get<std::string>();
    r.created_at = m.at("created_at").get<std::string>();
    r.kind = m.value("kind", "manual");
    const auto& files = m.at("files");
    r.spack_yaml = files.at("spack.yaml").get<std::string>();
    r.spack_lock = files.value("spack.lock", "");
    r.install_db = files.value("install-db", "");
    for (const auto* sha : {&r.spack_yaml, &r.spack_lock, &r.install_db})
      if (!sha->empty() && (sha->size() != 64 || sha->find_first_not_of("0123456789abcdef") != std::string::npos))
        throw InputError(where, "'" + *sha + "' is not a sha256");
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where, std::string("incomplete snapshot manifest: ") + e.what());
  }
}

std::string SnapshotRecord::compute_id() const { return "snap_" + sha256_hex(manifest().dump()).substr(0, 12); }

SnapshotCatalog::SnapshotCatalog(const std::filesystem::path& file) : db_(file, kSchemaVersion, kSchema) {}

void SnapshotCatalog::add(const SnapshotRecord& r) {
  db_.transaction([&] {
    db_.prepare(std::string("INSERT OR IGNORE INTO snapshots (") + kColumns + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        .bind(1, r.id).bind(2, r.name).bind(3, r.description).bind(4, r.environment).bind(5, r.created_at)
        .bind(6, r.kind).bind(7, r.spack_yaml).bind(8, r.spack_lock).bind(9, r.install_db)
        .run();
  });
}

void SnapshotCatalog::remove(const std::vector<std::string>& ids) {
  db_.transaction([&] {
    auto del = db_.prepare("DELETE FROM snapshots WHERE id = ?1");
    for (const auto& id : ids) {
      del.bind(1, id);
      del.run();
    }
  });
}

std::optional<SnapshotRecord> SnapshotCatalog::find(const std::string& key) const {
  {
    auto q = db_.prepare(std::string("SELECT ") + kColumns + " FROM snapshots WHERE id = ?1");
    q.bind(1, key);
    if (q.step()) return row(q);
  }
  const std::string prefix = key.rfind("snap_", 0) == 0 ? key : "snap_" + key;
  if (prefix.size() >= 9) {
    auto q = db_.prepare(std::string("SELECT ") + kColumns + " FROM snapshots WHERE id LIKE ?1 || '%'");
    q.bind(1, prefix);
    std::vector<SnapshotRecord> hits;
    while (q.step()) hits.push_back(row(q));
    if (hits.size() > 1) throw InputError("", "'" + key + "' matches " + std::to_string(hits.size()) + " snapshots; give more of the id");
    if (hits.size() == 1) return hits.front();
  }
  auto q = db_.prepare(std::string("SELECT ") + kColumns + " FROM snapshots WHERE name = ?1 ORDER BY created_at DESC, id LIMIT 1");
  q.bind(1, key);
  if (q.step()) return row(q);
  return std::nullopt;
}

std::vector<SnapshotRecord> SnapshotCatalog::list() const {
  auto q = db_.prepare(std::string("SELECT ") + kColumns + " FROM snapshots ORDER BY created_at DESC, id");
  std::vector<SnapshotRecord> out;
  while (q.step()) out.push_back(row(q));
  return out;
}

std::vector<std::string> SnapshotCatalog::referenced_objects() const {
  auto q = db_.prepare("SELECT spack_yaml FROM snapshots UNION SELECT spack_lock FROM snapshots UNION SELECT install_db FROM snapshots");
  std::vector<std::string> out;
  while (q.step())
    if (!q.text(0).empty()) out.push_back(q.text(0));
  return out;
}

}  // namespace spackext::snapshot
