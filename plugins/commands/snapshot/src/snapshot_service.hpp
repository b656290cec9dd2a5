// What the snapshot verbs do, apart from the command line: create (objects
// first, catalog row last), restore (checked objects, a pre-restore
// snapshot, Spack's lock, a journal, then temp+rename per file), cleanup
// (catalog rows in one transaction, unreferenced objects after), and the
// concrete specs of a snapshot or an environment for diffs.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "snapshot_catalog.hpp"
#include "snapshot_diff.hpp"
#include "snapshot_store.hpp"
#include "spackext/spack/spec_set.hpp"

namespace spackext::snapshot {

struct RestorePlan {
  SnapshotRecord snapshot;
  std::filesystem::path environment;
  bool yaml_changes = false, lock_changes = false;
  SpecDiff diff;                        // current environment -> snapshot
  std::vector<SpecRef> to_install;      // specs of the snapshot not in the current lockfile
  bool up_to_date() const { return !yaml_changes && !lock_changes; }
};

struct CleanupPlan {
  std::vector<SnapshotRecord> remove;
  std::vector<SnapshotRecord> keep;
};

class SnapshotService {
 public:
  explicit SnapshotService(const std::filesystem::path& root);  // <state dir>/snapshots

  SnapshotRecord create(const std::string& name, const std::filesystem::path& env, const std::string& description,
                        const std::optional<std::filesystem::path>& install_db, const std::string& kind = "manual");
  RestorePlan plan_restore(const SnapshotRecord& snapshot, const std::filesystem::path& env);
  // Returns the id of the pre-restore snapshot ("" when nothing changed).
  std::string restore(const RestorePlan& plan);
  CleanupPlan plan_cleanup(std::optional<std::size_t> keep_last, std::optional<std::chrono::seconds> older_than,
                           std::chrono::system_clock::time_point now) const;
  // Removes the snapshots, then every object no snapshot refers to.
  std::size_t cleanup(const CleanupPlan& plan);
  // Registers a snapshot whose objects are already stored (import).
  void add(const SnapshotRecord& r) { catalog_.add(r); }

  spack::SpecSet specs_of(const SnapshotRecord& r) const;
  static spack::SpecSet specs_of_environment(const std::filesystem::path& env);

  SnapshotRecord require(const std::string& id_or_name) const;
  SnapshotStore& store() { return store_; }
  SnapshotCatalog& catalog() { return catalog_; }

 private:
  SnapshotStore store_;
  SnapshotCatalog catalog_;
};

// "30d", "12h", "90m", "3600s", "2w" -> seconds; InputError otherwise.
std::chrono::seconds parse_age(const std::string& text);

}  // namespace spackext::snapshot
