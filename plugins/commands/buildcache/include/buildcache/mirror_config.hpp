// Mirrors in the shape of Spack's mirrors.yaml (spec-formats §3):
//   mirrors: {<name>: <url> | {url, fetch, push, source, binary, signed,
//             autopush, access_pair, access_token_variable, profile, endpoint_url}}
// plus spack-ext's own connection keys ca_bundle (PEM file for https/oci/gs)
// and credentials_file (GCS service-account key).
// spack-ext keeps its own copy in <config_dir>/mirrors.yaml, so `--to-spack`
// is a plain export and `--from-spack` a validated merge.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "buildcache/spec.hpp"  // Json

namespace spackext::buildcache {

struct MirrorEndpoint {
  std::string url;
  Json settings;  // connection keys (access_pair, profile, ...) merged for this direction
};

class MirrorsConfig {
 public:
  // Reads a mirrors.yaml (absent file = no mirrors); InputError with file:line
  // on anything Spack's schema would reject.
  static MirrorsConfig load(const std::filesystem::path& file);
  // Writes atomically (temp file + rename).
  void save(const std::filesystem::path& file) const;
  std::string to_yaml() const;
  // As Spack accepts it: without spack-ext's own keys (ca_bundle, credentials_file).
  std::string to_spack_yaml() const;

  const Json& mirrors() const { return mirrors_; }
  bool contains(const std::string& name) const { return mirrors_.contains(name); }
  void add(const std::string& name, Json entry);  // InputError if it exists or is invalid
  void remove(const std::string& name);           // InputError if absent
  // Adds every mirror of `other`; names already present are an InputError
  // unless `replace`.
  void merge(const MirrorsConfig& other, bool replace);

  std::optional<MirrorEndpoint> fetch(const std::string& name) const;
  std::optional<MirrorEndpoint> push(const std::string& name) const;  // nullopt = fetch-only
  bool signed_(const std::string& name) const;

 private:
  Json mirrors_ = Json::object();
};

// Validates one entry against Spack's v1.1 schema; `where` names it.
void validate_mirror_entry(const Json& entry, const std::string& where);

}  // namespace spackext::buildcache
