#include "bundles/trusted_keys.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "spackext/errors.hpp"

namespace spackext::bundles {
namespace fs = std::filesystem;
namespace {

void write_atomically(const fs::path& file, const std::string& text) {
  std::string tmpl = (file.parent_path() / ("." + file.filename().string() + ".XXXXXX")).string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw Error(file.string() + ": cannot create a temporary file: " + std::strerror(errno));
  bool ok = ::fchmod(fd, 0644) == 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmpl.c_str(), file.c_str()) != 0) {
    int e = errno;
    ::unlink(tmpl.c_str());
    throw Error(file.string() + ": cannot write: " + std::strerror(e));
  }
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::vector<TrustedKeyFile> trust_key_file(const fs::path& key_file, const fs::path& keys_dir) {
  auto keys = read_public_keys(key_file);
  std::error_code ec;
  fs::create_directories(keys_dir, ec);
  if (ec) throw Error(keys_dir.string() + ": cannot create: " + ec.message());
  ::chmod(keys_dir.c_str(), 0755);
  std::vector<TrustedKeyFile> added;
  for (const auto& k : keys) {
    fs::path file = keys_dir / (k.fingerprint + ".asc");
    write_atomically(file, k.armored);
    added.push_back({k.fingerprint, k.uid, file});
  }
  return added;
}

std::vector<TrustedKeyFile> list_trusted_keys(const fs::path& keys_dir) {
  std::vector<TrustedKeyFile> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(keys_dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (it->path().extension() != ".asc" || it->path().filename().string().front() == '.') continue;
    TrustedKeyFile k;
    k.file = it->path();
    k.fingerprint = it->path().stem().string();
    try {
      auto keys = read_public_keys(it->path());
      if (!keys.empty()) k.uid = keys.front().uid;
    } catch (const Error& e) {
      k.uid = std::string("(unreadable: ") + e.what() + ")";
    }
    out.push_back(std::move(k));
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.fingerprint < b.fingerprint; });
  return out;
}

fs::path untrust_key(const std::string& fingerprint, const fs::path& keys_dir) {
  const std::string want = upper(fingerprint);
  for (const auto& k : list_trusted_keys(keys_dir)) {
    const std::string have = upper(k.fingerprint);
    if (have == want || (want.size() >= 16 && have.size() >= want.size() && have.compare(have.size() - want.size(), want.size(), want) == 0)) {
      if (::unlink(k.file.c_str()) != 0) throw Error(k.file.string() + ": cannot remove: " + std::strerror(errno));
      return k.file;
    }
  }
  throw InputError("", "no trusted key " + fingerprint + " in " + keys_dir.string());
}

}  // namespace spackext::bundles
