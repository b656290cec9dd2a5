// The snapshot catalog (SQLite, schema-versioned) beside the object store:
// one row per snapshot naming the objects of its files. A row is written in
// one transaction after its objects are stored, so a listed snapshot always
// has its files.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/sqlite.hpp"

namespace spackext::snapshot {

struct SnapshotRecord {
  std::string id;           // "snap_" + 12 hex digits of the manifest's sha256
  std::string name;
  std::string description;
  std::string environment;  // the environment folder it was taken from
  std::string created_at;   // ISO-8601 UTC
  std::string kind;         // "manual", "pre-restore", "imported"
  std::string spack_yaml;   // sha256 of each file; "" when absent
  std::string spack_lock;
  std::string install_db;

  // Everything but the id, in a fixed order: what the id is the hash of and
  // what an export carries.
  nlohmann::json manifest() const;
  static SnapshotRecord from_manifest(const nlohmann::json& m, const std::string& where);
  std::string compute_id() const;
};

class SnapshotCatalog {
 public:
  static constexpr int kSchemaVersion = 1;
  explicit SnapshotCatalog(const std::filesystem::path& file);

  void add(const SnapshotRecord& r);  // an existing id is left as it is
  void remove(const std::vector<std::string>& ids);
  // By id, id prefix ("snap_ab12" or "ab12") or name (the newest of that name).
  std::optional<SnapshotRecord> find(const std::string& id_or_name) const;
  std::vector<SnapshotRecord> list() const;  // newest first
  std::vector<std::string> referenced_objects() const;

 private:
  mutable sqlite::Database db_;
};

}  // namespace spackext::snapshot
