#pragma once

#include <sys/stat.h>

#include <functional>
#include <string>
#include <string_view>

namespace spackext::mirrors {

// What walk_folder tells of each entry it finds.
struct WalkedEntry {
  // The path below the folder walked, '/'-separated ("a/b/c.json").
  std::string_view relative;
  // The entry's name (the last part of `relative`).
  std::string_view name;
  // Filled for the regular files given to on_file: stat(2) of the entry,
  // following a symbolic link to a file as open() would.
  const struct stat* st = nullptr;
};

// Walks the folder tree under `path` depth first, in byte order of the paths
// (the order in which S3 lists keys), calling on_file for
// every regular file (or symbolic link to one) and never descending into a
// symbolic link to a folder. `skip_name` is asked first for every entry of
// any kind; returning true leaves it out (and, for a folder, everything in it).
// on_file is called on the caller's thread only, one file at a time;
// skip_name may be called from several threads at once.
//
// Why not std::filesystem::recursive_directory_iterator: on a buildcache of
// 20,000 specs it costs an open, two fcntl and an fstat per folder and the
// caller a stat by full path per entry (each resolving every component of
// the path again). This walk works relative to each open folder with the
// types getdents(2) already gives: one openat and its getdents per folder,
// one fstatat per file, nothing per subfolder. A listing is where an
// incremental `update-index` with nothing to do spends most of its time.
// The first folder found with many subfolders (a buildcache's folder per
// package) has them walked by one thread per core, which also hides the
// latency of a network file system.
//
// An entry that vanishes while being walked (a concurrent writer renamed or
// removed it) is left out, as is a folder this process may not read; any
// other error throws spackext::Error naming the folder. A `path` that does not
// exist is walked as empty; one that is not a folder is an error.
void walk_folder(const std::string& path,
                 const std::function<bool(const WalkedEntry&)>& skip_name,
                 const std::function<void(const WalkedEntry&)>& on_file);

}  // namespace spackext::mirrors
