// `snapshot export` / `import`: one gzip'd tar holding snapshot.json (the
// manifest and id) and objects/<sha256> for each file. Import reads the
// whole archive before storing anything and refuses absolute paths, `..`,
// links and any member it does not expect; every object must match its
// name's checksum and the manifest must hash to the recorded id.
#pragma once

#include <filesystem>

#include "snapshot_catalog.hpp"
#include "snapshot_store.hpp"

namespace spackext::snapshot {

void export_snapshot(const SnapshotRecord& r, const SnapshotStore& store, const std::filesystem::path& file);
// Stores the objects and returns the record (the caller adds it to the catalog).
SnapshotRecord import_snapshot(const std::filesystem::path& file, SnapshotStore& store);

}  // namespace spackext::snapshot
