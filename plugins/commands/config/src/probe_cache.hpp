// Remembers what a compiled tool printed for a version query, keyed by the
// tool's real path, size and modification time: clang alone takes ~50 ms to
// say its version, and the answer only changes when the binary does. Only
// ELF executables are cached; scripts (wrappers, pyenv shims) may answer
// differently from one environment to the next, so they are always run.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "process_capture.hpp"

namespace spackext::config {

class ProbeCache {
 public:
  // `file` empty: nothing is cached. A missing or unreadable file, or
  // `refresh`, starts empty (and save() then replaces the file).
  explicit ProbeCache(std::filesystem::path file = {}, bool refresh = false);

  // capture(), answered from the cache when the tool is unchanged.
  std::optional<CapturedOutput> capture(const std::filesystem::path& program, const std::vector<std::string>& args);
  // Writes the cache (temp file, then rename) if anything was added.
  void save();

 private:
  std::filesystem::path file_;
  std::mutex mutex_;
  nlohmann::json entries_ = nlohmann::json::object();
  bool dirty_ = false;
};

}  // namespace spackext::config
