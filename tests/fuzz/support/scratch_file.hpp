// For parsers that take a path, not text: one scratch file per harness
// process, rewritten with each input.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "fuzz_target.hpp"

namespace spackext::fuzz {

// A fresh folder below the temp directory, named after the harness and
// removed at exit (harnesses keep theirs in a function-local static).
class ScratchFolder {
 public:
  explicit ScratchFolder(const std::string& harness) {
    std::string name = (std::filesystem::temp_directory_path() / ("spackext-fuzz-" + harness + "-XXXXXX")).string();
    if (mkdtemp(name.data()) == nullptr) finding("setup", "cannot create a scratch folder in " + name);
    path_ = name;
  }
  ~ScratchFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) finding("setup", "cannot write " + file.string());
}

}  // namespace spackext::fuzz
