#include "snapshot_store.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "spackext/atomic_file.hpp"
#include "spackext/errors.hpp"

namespace spackext::snapshot {
namespace fs = std::filesystem;

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

fs::path SnapshotStore::path_of(const std::string& sha) const {
  return root_ / "objects" / sha.substr(0, 2) / sha;
}

std::string SnapshotStore::put(std::string_view bytes) {
  const std::string sha = sha256_hex(bytes);
  if (!contains(sha)) write_file_atomically(path_of(sha), bytes);
  return sha;
}

bool SnapshotStore::contains(const std::string& sha) const {
  std::error_code ec;
  return sha.size() == 64 && fs::is_regular_file(path_of(sha), ec);
}

std::string SnapshotStore::get(const std::string& sha) const {
  std::ifstream in(path_of(sha), std::ios::binary);
  if (!in) throw Error("snapshot object " + sha + " is missing from " + (root_ / "objects").string());
  std::ostringstream s;
  s << in.rdbuf();
  std::string bytes = s.str();
  if (sha256_hex(bytes) != sha)
    throw Error("snapshot object " + path_of(sha).string() + " is corrupt (its sha256 is " + sha256_hex(bytes) +
                ", expected " + sha + ")");
  return bytes;
}

void SnapshotStore::remove(const std::string& sha) {
  std::error_code ec;
  fs::remove(path_of(sha), ec);
}

std::set<std::string> SnapshotStore::objects() const {
  std::set<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(root_ / "objects", ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root_ / "objects", ec)) {
    const auto name = e.path().filename().string();
    if (e.is_regular_file(ec) && name.size() == 64 && name[0] != '.') out.insert(name);
  }
  return out;
}

std::size_t SnapshotStore::sweep_temporaries() {
  std::size_t removed = 0;
  std::error_code ec;
  if (!fs::is_directory(root_ / "objects", ec)) return 0;
  std::vector<fs::path> doomed;
  for (const auto& e : fs::recursive_directory_iterator(root_ / "objects", ec))
    if (e.is_regular_file(ec) && e.path().filename().string().find(".tmp-") != std::string::npos &&
        fs::last_write_time(e.path(), ec) < fs::file_time_type::clock::now() - std::chrono::hours(1))
      doomed.push_back(e.path());
  for (const auto& p : doomed)
    if (fs::remove(p, ec)) ++removed;
  return removed;
}

}  // namespace spackext::snapshot
