// Remembers what reading each plugin file's manifest section gave, keyed by
// path, size and mtime (GStreamer's registry cache, minus its sticky
// blacklist: a changed file is always read again). The cache file's name
// carries the machine and API version, since home folders are shared by
// login nodes of different architectures. Losing or failing to write the
// cache only costs time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "plugins/elf_manifest.hpp"

namespace spackext::core {

class ManifestCache {
 public:
  // `file` empty: caching disabled.
  explicit ManifestCache(std::filesystem::path file);
  std::optional<ElfManifestResult> lookup(const std::string& path, std::uintmax_t size,
                                          std::int64_t mtime_ns);
  void store(const std::string& path, std::uintmax_t size, std::int64_t mtime_ns,
             const ElfManifestResult& result);
  // Writes the cache if anything changed (temp file + rename).
  void save();

  static std::filesystem::path default_file(const std::filesystem::path& cache_dir);

 private:
  struct Entry {
    std::uintmax_t size;
    std::int64_t mtime_ns;
    ElfManifestResult result;
    bool seen = false;  // looked up in this run
  };
  void load();
  std::filesystem::path file_;
  std::map<std::string, Entry> entries_;
  bool loaded_ = false;
  bool dirty_ = false;
};

}  // namespace spackext::core
