// Remembers the outcome of reading each plugin file's manifest, keyed by
// path, size and mtime (GStreamer's registry cache, minus its sticky
// blacklist: a changed file is always read again). Valid manifests are kept
// already validated, in a compact binary form that loads in microseconds;
// JSON parsing is what made a cached start-up grow with the number of
// plugins. The file name carries the machine and API version, since home
// folders are shared by login nodes of different architectures. A missing,
// corrupt or unwritable cache only costs time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "plugins/plugin_record.hpp"

namespace spackext::core {

// What reading one file gave: a manifest, or the state and reason why not.
struct ManifestOutcome {
  PluginState state = PluginState::available;  // available, bad_file, no_manifest or bad_manifest
  std::string reason;
  std::optional<Manifest> manifest;
};

class ManifestCache {
 public:
  // `file` empty: caching disabled.
  explicit ManifestCache(std::filesystem::path file);
  std::optional<ManifestOutcome> lookup(const std::string& path, std::uintmax_t size, std::int64_t mtime_ns);
  void store(const std::string& path, std::uintmax_t size, std::int64_t mtime_ns, const ManifestOutcome& outcome);
  // Writes the cache if anything changed (temp file + rename).
  void save();

  static std::filesystem::path default_file(const std::filesystem::path& cache_dir);

 private:
  struct Entry {
    std::uintmax_t size;
    std::int64_t mtime_ns;
    ManifestOutcome outcome;
    bool seen = false;  // looked up in this run
  };
  void load();
  std::filesystem::path file_;
  std::map<std::string, Entry> entries_;
  bool loaded_ = false;
  bool dirty_ = false;
};

}  // namespace spackext::core
