#include "spackext/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "spackext/errors.hpp"

namespace spackext {

std::filesystem::path temporary_sibling(const std::filesystem::path& file) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto name = "." + file.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                    std::to_string(rng() % 1000000000ULL);
  return file.parent_path() / name;
}

int remove_abandoned_temporaries(const std::filesystem::path& file) noexcept {
  namespace fs = std::filesystem;
  const std::string prefix = "." + file.filename().string() + ".tmp-";
  const fs::path parent = file.has_parent_path() ? file.parent_path() : fs::path(".");
  int removed = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator(parent, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    char* end = nullptr;
    const long pid = std::strtol(name.c_str() + prefix.size(), &end, 10);
    if (pid <= 0 || end == name.c_str() + prefix.size() || *end != '-') continue;  // not one of ours
    if (pid == ::getpid() || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    std::error_code rm;
    if (fs::remove(it->path(), rm)) ++removed;
  }
  return removed;
}

void sync_path(const std::filesystem::path& path) noexcept {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void write_file_atomically(const std::filesystem::path& file, std::string_view content) {
  const auto parent = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) throw Error("cannot create the folder " + parent.string() + ": " + ec.message());
  const auto temp = temporary_sibling(file.has_parent_path() ? file : parent / file);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot write " + file.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < content.size()) {
    const auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      std::filesystem::remove(temp, ec);
      throw Error("cannot write " + file.string() + ": " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  std::filesystem::rename(temp, file, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw Error("cannot write " + file.string() + ": " + ec.message());
  }
  sync_path(parent);
}

}  // namespace spackext
