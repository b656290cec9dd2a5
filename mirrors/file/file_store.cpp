#include "file_store.hpp"
#include "folder_walk.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <random>
#include <system_error>

#include <spackext/errors.hpp>

namespace spackext::mirrors {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kChunk = 1 << 20;
// Temp files carry this prefix; list() skips them.
constexpr std::string_view kTempPrefix = ".spackext-tmp-";
// A writer holds an exclusive flock on its temp file from the moment it has
// written anything until it is renamed into place (see put()), so a temp
// file that is unlocked and not empty belongs to a writer that died (kill -9,
// a crash): the next listing removes it. An unlocked empty one may be a
// writer between its open() and its flock(); it goes once it is this old.
constexpr auto kEmptyTempGrace = std::chrono::minutes(10);

std::string errno_text(int err) { return std::generic_category().message(err); }

// An opaque version tag: changes whenever the file is replaced or rewritten.
std::string etag_of(const struct stat& st) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%lx-%lx-%lx.%09lx", static_cast<unsigned long>(st.st_ino),
                static_cast<unsigned long>(st.st_size), static_cast<unsigned long>(st.st_mtim.tv_sec),
                static_cast<unsigned long>(st.st_mtim.tv_nsec));
  return buf;
}

ObjectInfo info_of(std::string key, const struct stat& st) {
  ObjectInfo info;
  info.key = std::move(key);
  info.size = static_cast<std::uint64_t>(st.st_size);
  info.etag = etag_of(st);
  info.modified = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
  return info;
}

std::string random_suffix() {
  static std::atomic<std::uint64_t> counter{0};
  std::random_device rd;
  return std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(rd());
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Closes a descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// An exclusive flock on a folder, held while an object in it is published:
// a conditional put (If-Match) checks the current version and renames under
// it, and every other put renames under it too, so no replacement can slip in
// between the check and the rename (flock also works on NFS, as fcntl locks).
class FolderLock {
 public:
  explicit FolderLock(const fs::path& dir) : fd_{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)} {
    if (fd_.fd < 0) throw Error("cannot open " + dir.string() + ": " + errno_text(errno));
    while (::flock(fd_.fd, LOCK_EX) != 0)
      if (errno != EINTR) throw Error("cannot lock " + dir.string() + ": " + errno_text(errno));
  }

 private:
  Fd fd_;
};

// Removes a temp file whose writer is gone (best effort: a listing goes on).
void sweep_if_abandoned(const fs::path& tmp) {
  Fd f{::open(tmp.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
  if (f.fd < 0) return;
  if (::flock(f.fd, LOCK_EX | LOCK_NB) != 0) return;  // its writer is alive
  struct stat held {}, named {};
  if (::fstat(f.fd, &held) != 0 || !S_ISREG(held.st_mode)) return;
  const auto age = std::chrono::system_clock::now() - std::chrono::system_clock::from_time_t(held.st_mtim.tv_sec);
  if (held.st_size == 0 && age < kEmptyTempGrace) return;
  // Still the same file under that name (not renamed into place meanwhile).
  if (::lstat(tmp.c_str(), &named) != 0 || named.st_ino != held.st_ino || named.st_dev != held.st_dev) return;
  ::unlink(tmp.c_str());
}

}  // namespace

fs::path file_url_to_path(const std::string& url) {
  constexpr std::string_view scheme = "file://";
  if (url.rfind(scheme, 0) != 0) throw InputError(url, "not a file:// URL");
  std::string rest = url.substr(scheme.size());
  if (rest.empty() || rest[0] != '/')
    throw InputError(url, "a file:// URL needs an absolute path (file:///path)");
  std::string decoded;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() + 0 && hex_value(rest[i + 1]) >= 0 &&
        hex_value(rest[i + 2]) >= 0) {
      decoded += static_cast<char>(hex_value(rest[i + 1]) * 16 + hex_value(rest[i + 2]));
      i += 2;
    } else {
      decoded += rest[i];
    }
  }
  return fs::path(decoded).lexically_normal();
}

FileMirrorStore::FileMirrorStore(fs::path root, bool pushable)
    : root_(std::move(root)), pushable_(pushable) {}

std::string FileMirrorStore::url() const { return "file://" + root_.string(); }

fs::path FileMirrorStore::path_of(std::string_view key) const {
  if (key.empty() || key.front() == '/') throw Error("invalid object key '" + std::string(key) + "'");
  fs::path rel(key);
  for (const auto& part : rel)
    if (part == ".." || part == ".") throw Error("invalid object key '" + std::string(key) + "'");
  return root_ / rel;
}

void FileMirrorStore::list(std::string_view prefix,
                           const std::function<void(const ObjectInfo&)>& visit) {
  // Start the walk at the deepest folder the prefix names, not at the root.
  std::string p(prefix);
  fs::path start = root_;
  if (auto slash = p.rfind('/'); slash != std::string::npos) start = root_ / p.substr(0, slash);
  std::error_code ec;
  if (!fs::is_directory(root_, ec))
    throw MirrorNotFound(url(), fs::exists(root_, ec) ? "the mirror root is not a folder"
                                                      : "the mirror root does not exist");
  if (!fs::is_directory(start, ec)) return;
  // Keys are the path below the root: the start folder's part, then the walk's.
  std::string base = start.lexically_relative(root_).generic_string();
  base = base == "." ? std::string() : base + "/";
  std::string key;
  walk_folder(
      start.string(),
      [&](const WalkedEntry& e) {
        if (e.name.substr(0, kTempPrefix.size()) != kTempPrefix) return false;
        // Listing is how a sync or update-index starts, so this is where the
        // leftovers of killed writers are swept.
        if (pushable_) sweep_if_abandoned(start / fs::path(e.relative));
        return true;
      },
      [&](const WalkedEntry& e) {
        key.assign(base).append(e.relative);
        if (key.compare(0, p.size(), p) == 0) visit(info_of(key, *e.st));
      });
}

std::optional<ObjectInfo> FileMirrorStore::stat(std::string_view key) {
  struct stat st {};
  const auto path = path_of(key);
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    throw Error(url() + ": cannot stat " + std::string(key) + ": " + errno_text(errno));
  }
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  return info_of(std::string(key), st);
}

void FileMirrorStore::get(std::string_view key, const ByteSink& sink) {
  const auto path = path_of(key);
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) {
    if (errno == ENOENT) throw Error(url() + ": object '" + std::string(key) + "' does not exist");
    throw Error(url() + ": cannot open " + std::string(key) + ": " + errno_text(errno));
  }
  ::posix_fadvise(f.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::unique_ptr<char[]> buf(new char[kChunk]);
  for (;;) {
    ssize_t n = ::read(f.fd, buf.get(), kChunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(url() + ": cannot read " + std::string(key) + ": " + errno_text(errno));
    }
    if (n == 0) break;
    if (!sink(buf.get(), static_cast<std::size_t>(n))) return;
  }
}

ObjectInfo FileMirrorStore::put(std::string_view key, std::uint64_t size, const ByteSource& source,
                                const PutOptions& options) {
  if (!pushable_) throw Error(url() + " is not pushable");
  const auto path = path_of(key);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) throw Error(url() + ": cannot create " + path.parent_path().string() + ": " + ec.message());
  const auto tmp = path.parent_path() / (std::string(kTempPrefix) + random_suffix());
  // The bytes go to an unnamed file (O_TMPFILE) where the filesystem has
  // them: a writer killed while writing leaves nothing behind, and the temp
  // name exists only from the linkat() below to the publish, under the
  // writer's flock. Elsewhere (NFS) the temp file is named from the start and
  // locked right after its creation. The descriptor stays open until the
  // object is published, so the flock is held until then.
  Fd f{::open(path.parent_path().c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644)};
  const bool unnamed = f.fd >= 0;
  if (!unnamed) f.fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (f.fd < 0) throw Error(url() + ": cannot create " + tmp.string() + ": " + errno_text(errno));
  {
    // Tells a sweeping listing that this temp file's writer is alive.
    while (::flock(f.fd, LOCK_EX) != 0)
      if (errno != EINTR) throw Error(url() + ": cannot lock " + tmp.string() + ": " + errno_text(errno));
    std::unique_ptr<char[]> buf(new char[kChunk]);
    std::uint64_t written = 0;
    auto fail = [&](const std::string& why) {
      if (!unnamed) ::unlink(tmp.c_str());
      throw Error(url() + ": writing " + std::string(key) + ": " + why);
    };
    for (;;) {
      std::size_t n = 0;
      try {
        n = source(buf.get(), kChunk);
      } catch (const std::exception& e) {
        fail(std::string("source failed: ") + e.what());
      }
      if (n == 0) break;
      for (std::size_t off = 0; off < n;) {
        ssize_t w = ::write(f.fd, buf.get() + off, n - off);
        if (w < 0) {
          if (errno == EINTR) continue;
          fail(errno_text(errno));
        }
        off += static_cast<std::size_t>(w);
      }
      written += n;
    }
    if (written != size)
      fail("source gave " + std::to_string(written) + " bytes, expected " + std::to_string(size));
    if (::fsync(f.fd) != 0) fail(errno_text(errno));
    if (unnamed) {
      const auto self = "/proc/self/fd/" + std::to_string(f.fd);
      if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW) != 0)
        fail("cannot name the temp file " + tmp.string() + ": " + errno_text(errno));
    }
  }
  auto cleanup_fail = [&](const std::string& why) {
    ::unlink(tmp.c_str());
    throw Error(url() + ": writing " + std::string(key) + ": " + why);
  };
  auto precondition_failed = [&](const std::string& why) {
    ::unlink(tmp.c_str());
    throw PreconditionFailed(url() + ": writing " + std::string(key) + ": " + why + " (precondition failed)");
  };
  FolderLock lock(path.parent_path());
  if (options.if_none_match) {
    // link() refuses to replace: an atomic create-only publish.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      if (err == EEXIST) precondition_failed("already exists");
      cleanup_fail(errno_text(err));
    }
    ::unlink(tmp.c_str());
  } else {
    if (!options.if_match.empty()) {
      auto current = stat(key);
      if (!current || current->etag != options.if_match)
        precondition_failed(current ? "changed since it was read" : "no longer exists");
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) cleanup_fail(errno_text(errno));
  }
  auto info = stat(key);
  if (!info) throw Error(url() + ": " + std::string(key) + " vanished after writing");
  return *info;
}

void FileMirrorStore::remove(std::string_view key) {
  if (!pushable_) throw Error(url() + " is not pushable");
  const auto path = path_of(key);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    throw Error(url() + ": cannot remove " + std::string(key) + ": " + errno_text(errno));
  // Drop folders left empty (a pruned package's manifest folder), never the root.
  for (auto dir = path.parent_path(); dir != root_ && dir.string().size() > root_.string().size();
       dir = dir.parent_path())
    if (::rmdir(dir.c_str()) != 0) break;
}

std::unique_ptr<MirrorStore> FileMirrorBackend::open(const std::string& url,
                                                     const nlohmann::json& /*settings*/) {
  return std::make_unique<FileMirrorStore>(file_url_to_path(url));
}

}  // namespace spackext::mirrors
