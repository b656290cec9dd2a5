#include "plugins/trust.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace spackext::core {
namespace {

std::string octal_mode(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

constexpr const char* kHint = " (set SPACK_EXT_ALLOW_INSECURE_PLUGINS=1 or pass --allow-insecure-plugins to load it anyway)";

}  // namespace

TrustVerdict check_trust(const std::filesystem::path& file, bool allow_insecure) {
  if (allow_insecure) return {};
  std::error_code ec;
  auto real = std::filesystem::canonical(file, ec);
  if (ec) return {false, "cannot resolve the path: " + ec.message()};
  const uid_t me = ::geteuid();

  struct stat st;
  if (::stat(real.c_str(), &st) != 0) return {false, std::string("cannot stat: ") + std::strerror(errno)};
  if (!S_ISREG(st.st_mode)) return {false, "not a regular file"};
  if (st.st_uid != 0 && st.st_uid != me)
    return {false, "file is owned by uid " + std::to_string(st.st_uid) +
                       ", expected root or the current user (uid " + std::to_string(me) + ")" + kHint};
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    return {false, "file is writable by group or others (mode " + octal_mode(st.st_mode) + ")" + kHint};

  for (auto dir = real.parent_path();; dir = dir.parent_path()) {
    if (::stat(dir.c_str(), &st) != 0)
      return {false, "cannot stat folder " + dir.string() + ": " + std::strerror(errno)};
    bool root_sticky = (st.st_mode & S_ISVTX) && st.st_uid == 0;
    if (st.st_uid != 0 && st.st_uid != me)
      return {false, "folder " + dir.string() + " is owned by uid " + std::to_string(st.st_uid) +
                         ", expected root or the current user" + kHint};
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !root_sticky)
      return {false, "folder " + dir.string() + " is writable by group or others (mode " +
                         octal_mode(st.st_mode) + ")" + kHint};
    if (dir == dir.root_path() || dir.empty()) break;
  }
  return {};
}

}  // namespace spackext::core
