// Replacing a whole folder so readers see the old tree or the new one, never
// a mix: the new tree is built in a hidden sibling (what carries over from
// the old tree is hard-linked, so unchanged files keep their inode and
// mtime), then swapped with the live folder in one
// renameat2(RENAME_EXCHANGE), and the old tree (now under the sibling's name)
// is deleted. A kill at any moment leaves the live folder complete, old or
// new; what a killed run left beside it is swept by the next one.
// The new files are not fsync'ed: a flush per file (or one syncfs(), which
// also waits for every other writer on the file system) cost seconds for a
// 466-module tree on a busy machine. After a power cut right after a swap,
// a file may be empty; the callers' next run compares content and rewrites
// it.
//
// Writers of one folder are serialised by a lock on its parent folder, so
// two concurrent runs each publish a complete tree, one after the other.
// What makes a per-file fallback necessary (a folder that is a mount point,
// a parent that is not writable) is reported by unavailable_reason().
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace spackext {

class FolderReplacement {
 public:
  // Which entries of the live folder carry over into the new tree
  // (relative paths; a folder that is refused is skipped with everything
  // below it). The default keeps everything.
  using CarryOver = std::function<bool(const std::filesystem::path& relative)>;

  // Why `folder` cannot be replaced as a whole here, or nullopt if it can.
  static std::optional<std::string> unavailable_reason(const std::filesystem::path& folder);

  // Takes the lock and sweeps what killed runs left. Read the live folder
  // to decide what changes only after this: a concurrent run may have
  // replaced it while this one waited. Throws spackext::Error naming the
  // folder when it cannot.
  explicit FolderReplacement(std::filesystem::path folder);
  // Not committed: the staging tree is removed and the live folder untouched.
  ~FolderReplacement();
  FolderReplacement(const FolderReplacement&) = delete;
  FolderReplacement& operator=(const FolderReplacement&) = delete;

  // Builds the staging tree from what carries over from the live folder.
  void stage(const CarryOver& carry_over = {});
  // Where the new tree is built (after stage()).
  const std::filesystem::path& staging() const { return staging_; }
  // Writes staging()/relative (parents created). An entry carried over
  // there is unlinked first, so the old tree's file is never written through.
  void write(const std::filesystem::path& relative, std::string_view content);
  // Removes staging()/relative (and folders it leaves empty) if present.
  void remove(const std::filesystem::path& relative);
  // Flushes the staging tree, swaps it in and deletes the old tree.
  void commit();

 private:
  std::filesystem::path folder_;
  std::filesystem::path staging_;
  int lock_fd_ = -1;
  bool committed_ = false;
};

}  // namespace spackext
