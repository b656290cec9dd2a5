// What was generated last time, per definitions folder: the content hash of
// each container, so `container list` can tell what changed. Kept in
// spack-ext's state folder (container/last-build.json, replaced atomically);
// a previous run's containers.json (a CI artifact) can stand in for it.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace spackext::container {

// "<arch>/<name>" -> content hash
using BuildHashes = std::map<std::string, std::string>;

class BuildState {
 public:
  explicit BuildState(std::filesystem::path file) : file_(std::move(file)) {}
  // Hashes recorded for this definitions folder; empty if none.
  BuildHashes last(const std::filesystem::path& defs_dir) const;
  void record(const std::filesystem::path& defs_dir, const BuildHashes& hashes) const;

 private:
  std::filesystem::path file_;
};

// The hashes in a containers.json written by build-defs. InputError if it is not one.
BuildHashes hashes_from_manifest(const std::filesystem::path& manifest);

}  // namespace spackext::container
