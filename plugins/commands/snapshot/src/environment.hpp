// A Spack environment on disk as snapshots see it: its folder (given as a
// path or as a name under Spack's environments root), its spack.yaml and
// spack.lock, Spack's own transaction lock (so a restore never runs while
// Spack writes the environment), and the restore journal that lets an
// interrupted restore be finished instead of leaving a mix of files.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace spackext::snapshot {

class SnapshotStore;

// An existing folder with a spack.yaml, or the environment of that name under
// `roots` (Spack's environments roots, first match wins). InputError naming
// every place looked at otherwise.
std::filesystem::path resolve_environment(const std::string& dir_or_name,
                                          const std::vector<std::filesystem::path>& roots);
// The roots to search by name: `configured` (the snapshot.environments_root
// setting) if given, then Spack's: `config:environments_root` from Spack's
// configuration scopes, else $SPACK_ROOT/var/spack/environments.
std::vector<std::filesystem::path> environment_roots(const std::string& configured);

struct EnvironmentFiles {
  std::string spack_yaml;
  std::optional<std::string> spack_lock;
};

// Reads spack.yaml (required) and spack.lock (optional).
EnvironmentFiles read_environment(const std::filesystem::path& env);

// Spack's write lock on <env>/.spack-env/transaction_lock (fcntl, as Spack
// takes it); Error (exit 1) when Spack or another restore holds it.
class EnvironmentLock {
 public:
  explicit EnvironmentLock(const std::filesystem::path& env);
  ~EnvironmentLock();
  EnvironmentLock(const EnvironmentLock&) = delete;
  EnvironmentLock& operator=(const EnvironmentLock&) = delete;

 private:
  int fd_ = -1;
};

// The journal a restore writes before it replaces any file:
// <env>/.spack-ext-restore.json naming the snapshot and the target objects.
std::filesystem::path restore_journal(const std::filesystem::path& env);
// Puts the environment's files to the given objects (spack.lock removed when
// `lock_sha` is empty), each by temp+rename, then removes the journal.
void apply_files(const std::filesystem::path& env, const SnapshotStore& store, const std::string& yaml_sha,
                 const std::string& lock_sha);
// Finishes a restore a killed process left behind; returns the snapshot id it
// completed, or "" when there was none.
std::string finish_interrupted_restore(const std::filesystem::path& env, const SnapshotStore& store);

}  // namespace spackext::snapshot
