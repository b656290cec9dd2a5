// A private work folder beside a destination (same filesystem, so what is
// built there can be renamed into place), named after the process that owns
// it: ".<stem>.<pid>.XXXXXX". Folders left by processes that no longer run
// (killed with -9) are removed when the next one starts.
#pragma once

#include <filesystem>
#include <string>

namespace spackext::product {

class StagingDir {
 public:
  StagingDir(const std::filesystem::path& parent, const std::string& stem);
  ~StagingDir();  // removes the folder unless released
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  std::filesystem::path path_;
};

// Writes a file inside a work folder: no temp name, rename or fsync, since
// nothing in the folder is seen before the folder (or the tarball made of
// it) is published whole. Error naming the file when it cannot.
void write_work_file(const std::filesystem::path& file, const std::string& content);

}  // namespace spackext::product
