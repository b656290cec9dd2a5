// Remembers which installed MANIFEST.json signatures were good, so that
// `plugin verify` starts gpg only for manifests it has not seen (one gpg
// process per bundle would cost more than hashing every plugin).
//
// An entry is the sha256 of (the trusted key files, the manifest, the
// signature): adding or removing a trusted key, or changing a manifest or its
// signature, misses the cache. It lives in the user's cache folder and only
// ever vouches for what this user already verified; `install` never uses it.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace spackext::bundles {

class SignatureCache {
 public:
  SignatureCache(std::filesystem::path file, const std::vector<std::filesystem::path>& key_dirs);
  // The signer's fingerprint if this manifest and signature were verified before.
  std::string signer(const std::string& manifest, const std::string& signature) const;
  void remember(const std::string& manifest, const std::string& signature, const std::string& signer);
  // Written to a temp name and renamed; a cache that cannot be written is skipped.
  void save();

 private:
  std::string key(const std::string& manifest, const std::string& signature) const;
  std::filesystem::path file_;
  std::string keys_digest_;
  std::map<std::string, std::string> entries_;  // key -> signer
  bool dirty_ = false;
};

}  // namespace spackext::bundles
