#include "folder_walk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <system_error>
#include <vector>

#include <spackext/errors.hpp>

namespace spackext::mirrors {

namespace {

// Big enough that a folder of a few thousand entries is read in one call.
constexpr std::size_t kDentsBuffer = 256 * 1024;

// Errors that mean "this entry is not there for us": left out of the walk.
bool vanished_or_forbidden(int err) { return err == ENOENT || err == ENOTDIR || err == EACCES || err == ELOOP; }

// Closes a folder's descriptor however its walk ends.
struct OpenFolder {
  int fd;
  ~OpenFolder() { ::close(fd); }
};

// One entry of a folder, as getdents gave it (an unknown type resolved).
struct Entry {
  std::size_t at, size;  // of the name in the folder's name buffer
  bool folder;           // a real folder (never a link to one)
};

class Walker {
 public:
  Walker(const std::string& root, const std::function<bool(const WalkedEntry&)>& skip,
         const std::function<void(const WalkedEntry&)>& on_file)
      : root_(root), skip_(skip), on_file_(on_file), buffer_(new char[kDentsBuffer]) {}

  // Walks the open folder `dirfd` (and closes it). A walk holds one
  // descriptor per level.
  void walk(int dirfd) {
    const OpenFolder held{dirfd};
    // The names are read out of the folder first (the getdents buffer is
    // reused by the folders below), then sorted so that the whole walk gives
    // paths in byte order: a folder sorts as its name and a '/'.
    std::string names;
    std::vector<Entry> entries;
    for (;;) {
      const ssize_t n = ::getdents64(dirfd, buffer_.get(), kDentsBuffer);
      if (n < 0) {
        const int err = errno;
        throw Error("cannot list " + where() + ": " + std::generic_category().message(err));
      }
      if (n == 0) break;
      for (ssize_t at = 0; at < n;) {
        const auto* d = reinterpret_cast<const struct dirent64*>(buffer_.get() + at);
        at += d->d_reclen;
        const std::string_view name(d->d_name);
        if (name == "." || name == "..") continue;
        bool folder = d->d_type == DT_DIR;
        if (d->d_type == DT_UNKNOWN) {  // some file systems give no types: ask, not following a link
          struct stat st {};
          if (::fstatat(dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            check(errno, name);
            continue;
          }
          folder = S_ISDIR(st.st_mode);
        } else if (d->d_type != DT_REG && d->d_type != DT_LNK && d->d_type != DT_DIR) {
          continue;  // a device, socket or pipe is no object
        }
        entries.push_back({names.size(), name.size(), folder});
        names.append(name);
        if (folder) names.push_back('/');
        names.push_back('\0');
      }
    }
    const auto sort_key = [&](const Entry& e) { return std::string_view(names).substr(e.at, e.size + e.folder); };
    std::sort(entries.begin(), entries.end(),
              [&](const Entry& a, const Entry& b) { return sort_key(a) < sort_key(b); });
    for (const auto& e : entries) names[e.at + e.size] = '\0';  // a folder's '/': the names go to openat()
    for (const auto& e : entries) visit(dirfd, std::string_view(names).substr(e.at, e.size), e.folder);
  }

 private:
  void visit(int dirfd, std::string_view name, bool folder) {
    const auto mark = relative_.size();
    if (!relative_.empty()) relative_.push_back('/');
    relative_.append(name);
    if (!skip_(WalkedEntry{relative_, name, nullptr})) {
      if (folder) {
        const int fd = ::openat(dirfd, name.data(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0)
          walk(fd);
        else
          check(errno, {});
      } else {
        // A regular file, or a link: what it points to decides.
        struct stat st {};
        if (::fstatat(dirfd, name.data(), &st, 0) != 0)
          check(errno, {});
        else if (S_ISREG(st.st_mode))
          on_file_(WalkedEntry{relative_, name, &st});
      }
    }
    relative_.resize(mark);
  }

  // An entry that vanished or may not be read is left out; anything else stops the walk.
  void check(int err, std::string_view name) const {
    if (vanished_or_forbidden(err)) return;
    auto what = where();
    if (!name.empty()) what.append("/").append(name);
    throw Error("cannot read " + what + ": " + std::generic_category().message(err));
  }

  std::string where() const { return relative_.empty() ? root_ : root_ + "/" + relative_; }

  const std::string& root_;
  const std::function<bool(const WalkedEntry&)>& skip_;
  const std::function<void(const WalkedEntry&)>& on_file_;
  std::unique_ptr<char[]> buffer_;
  std::string relative_;
};

}  // namespace

void walk_folder(const std::string& path, const std::function<bool(const WalkedEntry&)>& skip_name,
                 const std::function<void(const WalkedEntry&)>& on_file) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return;
    throw Error("cannot list " + path + ": " + std::generic_category().message(errno));
  }
  Walker(path, skip_name, on_file).walk(fd);
}

}  // namespace spackext::mirrors
