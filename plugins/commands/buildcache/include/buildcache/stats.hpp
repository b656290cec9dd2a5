// `buildcache stats`: what a mirror holds, from its metadata and listing
// (no tarball is read).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "buildcache/catalog.hpp"

namespace spackext::buildcache {

struct GroupStats {
  std::size_t specs = 0;
  std::uint64_t bytes = 0;  // stored bytes of the entries' tarballs and spec metadata
};

struct AgedSpec {
  std::string spec;  // display form
  std::string hash;
  std::chrono::system_clock::time_point time;
};

struct IndexFreshness {
  Layout layout = Layout::v3;
  std::string key;
  bool current = false;
  std::vector<std::string> reasons;  // why not current
};

struct MirrorStats {
  std::string mirror;
  std::size_t spec_count = 0;            // distinct DAG hashes
  std::map<std::string, std::size_t> specs_by_layout;
  std::size_t object_count = 0;
  std::uint64_t total_bytes = 0;         // every stored object
  std::uint64_t entry_bytes = 0;         // tarballs + spec metadata of the entries
  std::map<std::string, GroupStats> by_package, by_arch, by_compiler;
  std::optional<AgedSpec> oldest, newest;
  std::vector<std::string> orphan_blobs;   // stored, unreferenced
  std::vector<std::string> missing_blobs;  // referenced, absent
  std::vector<IndexFreshness> indexes;
  std::vector<Problem> problems;
  nlohmann::json to_json() const;
};

MirrorStats compute_stats(const Catalog& catalog);

}  // namespace spackext::buildcache
