#include "spackext/atomic_folder.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "spackext/atomic_file.hpp"
#include "spackext/errors.hpp"

namespace spackext {
namespace fs = std::filesystem;
namespace {

// Every name a run puts beside the folder starts with this.
std::string sibling_prefix(const fs::path& folder) { return "." + folder.filename().string() + ".spack-ext-"; }

fs::path sibling(const fs::path& folder, const std::string& kind) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return folder.parent_path() / (sibling_prefix(folder) + kind + "-" + std::to_string(::getpid()) + "-" +
                                 std::to_string(rng() % 1000000000ULL));
}

std::string errno_text() { return std::strerror(errno); }

// What killed runs left beside the folder (under the lock, so none of it is
// a live run's). A run killed between the two renames of the fallback swap
// left no folder and the old tree as "-old-": that goes back first.
void sweep(const fs::path& folder) {
  std::error_code ec;
  const std::string prefix = sibling_prefix(folder);
  std::vector<fs::path> leftovers;
  for (const auto& e : fs::directory_iterator(folder.parent_path(), ec)) {
    const auto name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) leftovers.push_back(e.path());
  }
  if (!fs::exists(fs::symlink_status(folder, ec)))
    for (const auto& p : leftovers)
      if (p.filename().string().rfind(prefix + "old-", 0) == 0 && ::rename(p.c_str(), folder.c_str()) == 0) break;
  for (const auto& p : leftovers) fs::remove_all(p, ec);
}

}  // namespace

std::optional<std::string> FolderReplacement::unavailable_reason(const fs::path& folder) {
  std::error_code ec;
  const fs::path abs = fs::exists(folder, ec) ? fs::canonical(folder, ec) : fs::absolute(folder).lexically_normal();
  const fs::path parent = abs.parent_path();
  if (abs == parent) return abs.string() + " is the file system's root";
  if (::access(parent.c_str(), W_OK) != 0) return "its parent folder " + parent.string() + " is not writable";
  struct stat self {}, up {};
  if (::stat(abs.c_str(), &self) == 0 && ::stat(parent.c_str(), &up) == 0 && self.st_dev != up.st_dev)
    return abs.string() + " is a mount point";
  return std::nullopt;
}

FolderReplacement::FolderReplacement(fs::path folder) {
  std::error_code ec;
  const bool exists = fs::exists(folder, ec);
  // A folder reached through a symlink is replaced where it lives.
  folder_ = exists ? fs::canonical(folder, ec) : fs::absolute(folder).lexically_normal();
  if (exists && !fs::is_directory(folder_, ec)) throw InputError(folder_.string(), "exists and is not a folder");
  const fs::path parent = folder_.parent_path();
  fs::create_directories(parent, ec);
  if (ec) throw Error("cannot create the folder " + parent.string() + ": " + ec.message());
  lock_fd_ = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock_fd_ < 0) throw Error("cannot open " + parent.string() + ": " + errno_text());
  while (::flock(lock_fd_, LOCK_EX) != 0)
    if (errno != EINTR) throw Error("cannot lock " + parent.string() + ": " + errno_text());
  sweep(folder_);
}

void FolderReplacement::stage(const CarryOver& carry_over) {
  std::error_code ec;
  staging_ = sibling(folder_, "new");
  if (!fs::create_directory(staging_, ec) || ec)
    throw Error("cannot create " + staging_.string() + ": " + (ec ? ec.message() : "it exists"));
  if (!fs::exists(folder_, ec)) return;
  fs::permissions(staging_, fs::status(folder_, ec).permissions(), ec);
  for (auto it = fs::recursive_directory_iterator(folder_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path rel = it->path().lexically_relative(folder_);
    if (carry_over && !carry_over(rel)) {
      if (it->is_directory(ec) && !it->is_symlink(ec)) it.disable_recursion_pending();
      continue;
    }
    const fs::path to = staging_ / rel;
    std::error_code step;
    if (it->is_symlink(step)) {
      fs::copy_symlink(it->path(), to, step);
    } else if (it->is_directory(step)) {
      fs::create_directory(to, it->path(), step);
    } else if (it->is_regular_file(step)) {
      fs::create_hard_link(it->path(), to, step);
      if (step) fs::copy_file(it->path(), to, step);  // a file system without hard links
    } else {
      continue;  // sockets and fifos are not tree content
    }
    if (step) throw Error("cannot carry " + it->path().string() + " over into the new tree: " + step.message());
  }
  if (ec) throw Error("cannot read " + folder_.string() + ": " + ec.message());
}

FolderReplacement::~FolderReplacement() {
  std::error_code ec;
  if (!committed_ && !staging_.empty()) fs::remove_all(staging_, ec);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // closing releases the lock
}

void FolderReplacement::write(const fs::path& relative, std::string_view content) {
  const fs::path target = staging_ / relative;
  std::error_code ec;
  if (!fs::is_directory(target.parent_path(), ec)) fs::create_directories(target.parent_path(), ec);
  if (ec) throw Error("cannot create " + target.parent_path().string() + ": " + ec.message());
  int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 && errno == EEXIST && ::unlink(target.c_str()) == 0)
    fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot write " + target.string() + ": " + errno_text());
  std::size_t done = 0;
  while (done < content.size()) {
    const auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = errno_text();
      ::close(fd);
      throw Error("cannot write " + target.string() + ": " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

void FolderReplacement::remove(const fs::path& relative) {
  std::error_code ec;
  fs::path p = staging_ / relative;
  fs::remove(p, ec);
  for (p = p.parent_path(); p != staging_ && p.string().size() > staging_.string().size() && fs::is_empty(p, ec);
       p = p.parent_path())
    fs::remove(p, ec);
}

void FolderReplacement::commit() {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(folder_, ec))) {
    if (::rename(staging_.c_str(), folder_.c_str()) != 0)
      throw Error("cannot publish " + folder_.string() + ": " + errno_text());
  } else if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, folder_.c_str(), RENAME_EXCHANGE) != 0) {
    if (errno != EINVAL && errno != ENOSYS) throw Error("cannot publish " + folder_.string() + ": " + errno_text());
    // No atomic exchange on this file system: two renames, and a kill
    // between them is repaired by the next run's sweep (the old tree
    // goes back).
    const fs::path old = sibling(folder_, "old");
    if (::rename(folder_.c_str(), old.c_str()) != 0) throw Error("cannot publish " + folder_.string() + ": " + errno_text());
    if (::rename(staging_.c_str(), folder_.c_str()) != 0) {
      const std::string why = errno_text();
      ::rename(old.c_str(), folder_.c_str());
      throw Error("cannot publish " + folder_.string() + ": " + why);
    }
    staging_ = old;
  }
  committed_ = true;
  sync_path(folder_.parent_path());
  fs::remove_all(staging_, ec);  // the old tree now
}

}  // namespace spackext
