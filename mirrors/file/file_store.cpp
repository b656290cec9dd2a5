#include "file_store.hpp"

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
// A temp file untouched this long belongs to a writer that died (kill -9, a
// crash, a lost node): a live writer refreshes its mtime with every chunk,
// and HTTP transfers abort after 30 s without progress.
constexpr auto kAbandonedAfter = std::chrono::hours(1);

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

bool abandoned(const struct stat& st) {
  const auto mtime = std::chrono::system_clock::from_time_t(st.st_mtim.tv_sec);
  return std::chrono::system_clock::now() - mtime > kAbandonedAfter;
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
  if (!fs::is_directory(start, ec)) return;
  fs::recursive_directory_iterator it(start, fs::directory_options::skip_permission_denied, ec);
  if (ec) throw Error(url() + ": cannot list " + start.string() + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) throw Error(url() + ": cannot list " + start.string() + ": " + ec.message());
    const auto name = it->path().filename().string();
    struct stat st {};
    if (name.rfind(kTempPrefix, 0) == 0) {
      // Listing is how a sync or update-index starts, so this is where the
      // leftovers of killed writers are swept (best effort).
      if (pushable_ && ::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode) && abandoned(st))
        ::unlink(it->path().c_str());
      continue;
    }
    if (::stat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    auto key = it->path().lexically_relative(root_).generic_string();
    if (key.compare(0, p.size(), p) != 0) continue;
    visit(info_of(std::move(key), st));
  }
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
  {
    Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)};
    if (f.fd < 0) throw Error(url() + ": cannot create " + tmp.string() + ": " + errno_text(errno));
    std::unique_ptr<char[]> buf(new char[kChunk]);
    std::uint64_t written = 0;
    auto fail = [&](const std::string& why) {
      ::unlink(tmp.c_str());
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
  }
  auto cleanup_fail = [&](const std::string& why) {
    ::unlink(tmp.c_str());
    throw Error(url() + ": writing " + std::string(key) + ": " + why);
  };
  FolderLock lock(path.parent_path());
  if (options.if_none_match) {
    // link() refuses to replace: an atomic create-only publish.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      cleanup_fail(err == EEXIST ? "already exists (precondition failed)" : errno_text(err));
    }
    ::unlink(tmp.c_str());
  } else {
    if (!options.if_match.empty()) {
      auto current = stat(key);
      if (!current || current->etag != options.if_match)
        cleanup_fail("changed since it was read (precondition failed)");
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
