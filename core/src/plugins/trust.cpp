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

namespace {

TrustVerdict check_folders(const std::filesystem::path& first, uid_t me) {
  struct stat st;
  for (auto dir = first;; dir = dir.parent_path()) {
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

}  // namespace

TrustVerdict check_trust(const std::filesystem::path& file, bool allow_insecure,
                         std::map<std::string, TrustVerdict>* folder_verdicts) {
  if (allow_insecure) return {};
  const uid_t me = ::geteuid();
  struct stat st;
  if (::lstat(file.c_str(), &st) != 0) return {false, std::string("cannot stat: ") + std::strerror(errno)};
  // A link is judged by what it points to, and by that file's folders.
  std::filesystem::path real = file;
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    real = std::filesystem::canonical(file, ec);
    if (ec) return {false, "cannot resolve the link: " + ec.message()};
    if (::stat(real.c_str(), &st) != 0) return {false, std::string("cannot stat: ") + std::strerror(errno)};
  }
  if (!S_ISREG(st.st_mode)) return {false, "not a regular file"};
  if (st.st_uid != 0 && st.st_uid != me)
    return {false, "file is owned by uid " + std::to_string(st.st_uid) +
                       ", expected root or the current user (uid " + std::to_string(me) + ")" + kHint};
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    return {false, "file is writable by group or others (mode " + octal_mode(st.st_mode) + ")" + kHint};

  auto folder_verdict = [&](const std::string& folder) {
    std::error_code ec;
    auto canonical = std::filesystem::canonical(folder, ec);
    if (ec) return TrustVerdict{false, "cannot resolve folder " + folder + ": " + ec.message()};
    return check_folders(canonical, me);
  };
  const std::string folder = real.parent_path().string();
  if (!folder_verdicts) return folder_verdict(folder);
  auto it = folder_verdicts->find(folder);
  if (it == folder_verdicts->end()) it = folder_verdicts->emplace(folder, folder_verdict(folder)).first;
  return it->second;
}

}  // namespace spackext::core
