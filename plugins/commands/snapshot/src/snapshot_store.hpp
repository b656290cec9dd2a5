// The content-addressed store of snapshot files: each file's bytes under
// objects/<sha256[0:2]>/<sha256>, written to a temporary name and renamed,
// so an object either exists whole or not at all; reading one checks its
// checksum, so a damaged snapshot is reported, never restored.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>

namespace spackext::snapshot {

std::string sha256_hex(std::string_view bytes);

class SnapshotStore {
 public:
  explicit SnapshotStore(std::filesystem::path root) : root_(std::move(root)) {}

  // Stores the bytes (a no-op when present); returns their sha256.
  std::string put(std::string_view bytes);
  // The bytes of an object; spackext::Error (exit 1) when it is missing or
  // its content no longer matches its name.
  std::string get(const std::string& sha) const;
  bool contains(const std::string& sha) const;
  void remove(const std::string& sha);
  // Every object name.
  std::set<std::string> objects() const;
  // Removes temporary files killed writers left (older than an hour).
  std::size_t sweep_temporaries();
  std::filesystem::path path_of(const std::string& sha) const;
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

}  // namespace spackext::snapshot
