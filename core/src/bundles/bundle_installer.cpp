#include "bundles/bundle_installer.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "spackext/errors.hpp"

namespace spackext::bundles {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void fail(const std::string& what) { throw Error(what + ": " + std::strerror(errno)); }

struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() { if (fd >= 0) ::close(fd); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

// Creates the plugin root (and its parents) as 0755 whatever the umask: a
// group-writable plugin folder would make the host refuse every plugin in it.
void ensure_root(const fs::path& root) {
  std::error_code ec;
  if (fs::is_directory(root, ec)) return;
  std::vector<fs::path> missing;
  for (fs::path p = root; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) missing.push_back(p);
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0755) != 0 && errno != EEXIST) fail("cannot create " + it->string());
    ::chmod(it->c_str(), 0755);
  }
}

// Exclusive lock of one plugin root for the life of the object.
class RootLock {
 public:
  explicit RootLock(const fs::path& root) : fd_(::open((root / ".bundles.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644)) {
    if (fd_.fd < 0) fail("cannot open the lock file in " + root.string());
    while (::flock(fd_.fd, LOCK_EX) != 0)
      if (errno != EINTR) fail("cannot lock " + root.string());
  }

 private:
  Fd fd_;
};

void write_all(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write " + what);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Writes one file below `dirfd` (a folder only we can write), creating its
// parent folders; never follows a link, never replaces an existing file.
void write_member(int dirfd, const std::string& path, std::string_view data, mode_t mode, const fs::path& shown) {
  std::size_t start = 0;
  int parent = dirfd;
  std::vector<std::unique_ptr<Fd>> opened;
  for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', start)) {
    std::string part = path.substr(start, slash - start);
    if (::mkdirat(parent, part.c_str(), 0755) != 0 && errno != EEXIST) fail("cannot create folder " + (shown / path.substr(0, slash)).string());
    auto sub = std::make_unique<Fd>(::openat(parent, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (sub->fd < 0) fail("cannot open folder " + (shown / path.substr(0, slash)).string());
    ::fchmod(sub->fd, 0755);
    parent = sub->fd;
    opened.push_back(std::move(sub));
    start = slash + 1;
  }
  Fd f(::openat(parent, path.substr(start).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  if (f.fd < 0) fail("cannot create " + (shown / path).string());
  write_all(f.fd, data, (shown / path).string());
  if (::fchmod(f.fd, mode) != 0) fail("cannot set the mode of " + (shown / path).string());
  if (::fsync(f.fd) != 0) fail("cannot flush " + (shown / path).string());
}

void fsync_dir(const fs::path& dir) {
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.fd >= 0) ::fsync(d.fd);
}

// Removes a folder tree (our own temp or a replaced bundle), never following links.
void remove_tree(const fs::path& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
}

bool is_bundle_folder(const fs::path& dir) {
  struct stat st;
  return ::lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
         ::lstat((dir / kManifestMember).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

std::vector<fs::path> installed_bundles(const fs::path& plugin_root) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(plugin_root, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (!name.empty() && name[0] != '.' && is_bundle_folder(it->path())) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

InstallOutcome install_bundle(const VerifiedBundle& bundle, const fs::path& plugin_root) {
  ensure_root(plugin_root);
  RootLock lock(plugin_root);
  const std::string& name = bundle.manifest.name;
  const fs::path target = plugin_root / name;

  std::string tmpl = (plugin_root / (".install-" + name + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) fail("cannot create a temporary folder in " + plugin_root.string());
  const fs::path staging = tmpl;
  struct Cleanup {
    fs::path dir;
    ~Cleanup() { if (!dir.empty()) remove_tree(dir); }
  } cleanup{staging};

  {
    Fd dirfd(::open(staging.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (dirfd.fd < 0) fail("cannot open " + staging.string());
    for (const auto& f : bundle.manifest.files)
      write_member(dirfd.fd, f.path, bundle.contents.at(f.path), f.executable ? 0755 : 0644, target);
    write_member(dirfd.fd, kManifestMember, bundle.manifest_text, 0644, target);
    if (!bundle.signature.empty()) write_member(dirfd.fd, kSignatureMember, bundle.signature, 0644, target);
    ::fsync(dirfd.fd);
    if (::fchmod(dirfd.fd, 0755) != 0) fail("cannot set the mode of " + staging.string());
  }

  InstallOutcome outcome{target, false};
  if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno != EEXIST) fail("cannot move the bundle into " + target.string());
    if (!is_bundle_folder(target))
      throw Error(target.string() + " exists and was not installed from a bundle; remove it first");
    // Upgrade: swap in one step, then delete the old tree (now at `staging`).
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0)
      fail("cannot replace " + target.string());
    outcome.replaced = true;
  } else {
    cleanup.dir.clear();
  }
  fsync_dir(plugin_root);
  return outcome;
}

fs::path remove_bundle(const std::string& name, const fs::path& plugin_root) {
  const fs::path target = plugin_root / name;
  if (!valid_bundle_name(name) || !is_bundle_folder(target))
    throw InputError("", "no bundle named '" + name + "' is installed in " + plugin_root.string());
  RootLock lock(plugin_root);
  // Out of the search path in one step, then deleted.
  std::string tmpl = (plugin_root / (".remove-" + name + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) fail("cannot create a temporary folder in " + plugin_root.string());
  // rename(2) may replace an empty folder: the bundle leaves the search path in one step.
  if (::rename(target.c_str(), tmpl.c_str()) != 0) {
    int e = errno;
    ::rmdir(tmpl.c_str());
    errno = e;
    fail("cannot remove " + target.string());
  }
  remove_tree(tmpl);
  fsync_dir(plugin_root);
  return target;
}

}  // namespace spackext::bundles
