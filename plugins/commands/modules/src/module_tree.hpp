// Puts rendered module files into a module root: unchanged files are kept
// (inode and mtime untouched), changed ones replaced, modules of specs that
// are gone (per the previous module-index.yaml) removed, and
// module-index.yaml (Spack's format) written. The new tree is built beside
// the root and swapped in whole (spackext/atomic_folder.hpp), so a reader or
// a killed run sees the old tree or the new one; a root that cannot be
// swapped (a mount point, a read-only parent) is updated file by file, each
// through a temp name, the index last.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <spackext/services/modules.hpp>

namespace spackext::modules {

struct TreeChanges {
  std::vector<std::string> written;  // relative paths
  std::vector<std::string> kept;
  std::vector<std::string> removed;
};

struct TreeOptions {
  bool dry_run = false;
  bool keep_unchanged = true;  // refresh; generate rewrites every file
  std::function<void(const std::string& relative, const ModuleFile*)> on_written;   // file (null when removed)
  std::function<void(const std::string& relative)> on_removed;
  std::function<void()> on_progress;  // once per file handled
};

// Checks the root can be created and written before anything else happens
// (InputError, exit 2, otherwise).
void check_root_writable(const std::filesystem::path& root);

TreeChanges update_module_tree(const std::filesystem::path& root, const std::vector<ModuleFile>& files,
                               const TreeOptions& options);

// The previous module-index.yaml: hash -> absolute path (empty if none).
std::vector<std::pair<std::string, std::string>> read_module_index(const std::filesystem::path& root);

}  // namespace spackext::modules
