#include "folder_walk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <memory>
#include <system_error>
#include <thread>
#include <vector>

#include <spackext/errors.hpp>

namespace spackext::mirrors {

namespace {

// Big enough that a folder of a few thousand entries is read in one call.
constexpr std::size_t kDentsBuffer = 256 * 1024;

// A folder with at least this many subfolders has them walked by several
// threads (once per walk: the first such folder found).
constexpr std::size_t kSplitAtSubfolders = 64;
constexpr unsigned kMaxThreads = 8;

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

// A file found by a thread other than the caller's, kept until its turn.
struct FoundFile {
  std::string relative;
  std::size_t name_at;
  struct stat st;
};

class Walker {
 public:
  Walker(const std::string& root, const std::function<bool(const WalkedEntry&)>& skip,
         const std::function<void(const WalkedEntry&)>& on_file, unsigned threads)
      : root_(root), skip_(skip), on_file_(on_file), buffer_(new char[kDentsBuffer]), threads_(threads) {}

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
    const auto name_of = [&](const Entry& e) { return std::string_view(names).substr(e.at, e.size); };
    const auto folders = std::count_if(entries.begin(), entries.end(), [](const Entry& e) { return e.folder; });
    if (threads_ > 1 && static_cast<std::size_t>(folders) >= kSplitAtSubfolders)
      return split(dirfd, entries, name_of);
    for (const auto& e : entries) visit(dirfd, name_of(e), e.folder);
  }

 private:
  // Walks the entries of one wide folder in `threads_` contiguous runs at
  // once: this thread gives its run's files to on_file as it finds them;
  // the others keep theirs, given in order as each run finishes. The folders
  // below are walked by one thread each (a buildcache has one wide folder:
  // a folder per package or a blob prefix per digest).
  template <class NameOf>
  void split(int dirfd, const std::vector<Entry>& entries, const NameOf& name_of) {
    const std::size_t runs = std::min<std::size_t>(threads_, entries.size());
    std::vector<std::vector<FoundFile>> found(runs);
    std::vector<std::exception_ptr> failed(runs);
    const auto bounds = [&](std::size_t r) { return std::pair{entries.size() * r / runs, entries.size() * (r + 1) / runs}; };
    const std::string prefix = relative_;  // copied now: this thread's walk changes relative_
    {
      std::vector<std::jthread> workers;  // joined when this block ends, however it ends
      for (std::size_t r = 1; r < runs; ++r)
        workers.emplace_back([&, r] {
          try {
            const std::function<void(const WalkedEntry&)> keep = [&](const WalkedEntry& e) {
              found[r].push_back({std::string(e.relative), e.relative.size() - e.name.size(), *e.st});
            };
            Walker worker(root_, skip_, keep, 1);
            worker.relative_ = prefix;
            for (auto [i, end] = bounds(r); i < end; ++i) worker.visit(dirfd, name_of(entries[i]), entries[i].folder);
          } catch (...) {
            failed[r] = std::current_exception();
          }
        });
      threads_ = 1;  // this thread's run walks the folders below on its own too
      for (auto [i, end] = bounds(0); i < end; ++i) visit(dirfd, name_of(entries[i]), entries[i].folder);
    }
    for (std::size_t r = 1; r < runs; ++r) {
      if (failed[r]) std::rethrow_exception(failed[r]);
      for (const auto& f : found[r])
        on_file_(WalkedEntry{f.relative, std::string_view(f.relative).substr(f.name_at), &f.st});
    }
  }

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
  unsigned threads_;
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
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, kMaxThreads);
  Walker(path, skip_name, on_file, threads).walk(fd);
}

}  // namespace spackext::mirrors
