#include "staging_dir.hpp"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <spackext/errors.hpp>

namespace spackext::product {

namespace fs = std::filesystem;

namespace {

// ".<stem>.<pid>.XXXXXX" of a process that is gone.
bool abandoned(const std::string& name, const std::string& head) {
  if (name.rfind(head, 0) != 0) return false;
  const auto rest = name.substr(head.size());
  const auto dot = rest.find('.');
  if (dot == std::string::npos || dot == 0) return false;
  char* end = nullptr;
  const long pid = std::strtol(rest.substr(0, dot).c_str(), &end, 10);
  if (pid <= 0 || *end != '\0') return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace

StagingDir::StagingDir(const fs::path& parent, const std::string& stem) {
  const std::string head = "." + stem + ".";
  std::error_code ec;
  for (auto it = fs::directory_iterator(parent, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
    if (abandoned(it->path().filename().string(), head)) fs::remove_all(it->path(), ec);
  std::string tmpl = (parent / (head + std::to_string(::getpid()) + ".XXXXXX")).string();
  if (!::mkdtemp(tmpl.data()))
    throw Error("cannot create a work folder in " + parent.string() + ": " + std::strerror(errno));
  path_ = tmpl;
}

void write_work_file(const fs::path& file, const std::string& content) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out.write(content.data(), static_cast<std::streamsize>(content.size())) || !out.flush())
    throw Error("cannot write " + file.string());
}

StagingDir::~StagingDir() {
  if (path_.empty()) return;
  std::error_code ec;
  // Spack installs read-only files and folders; make them removable first.
  for (auto it = fs::recursive_directory_iterator(path_, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec)) fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

}  // namespace spackext::product
