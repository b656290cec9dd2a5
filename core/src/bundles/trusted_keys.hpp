// The folders of trusted publisher keys: one ASCII-armored public key per
// file, named <FINGERPRINT>.asc, written to a temp name and renamed.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "bundles/signature.hpp"

namespace spackext::bundles {

struct TrustedKeyFile {
  std::string fingerprint;
  std::string uid;
  std::filesystem::path file;
};

// Adds every public key of `key_file`; returns what was added.
std::vector<TrustedKeyFile> trust_key_file(const std::filesystem::path& key_file, const std::filesystem::path& keys_dir);
std::vector<TrustedKeyFile> list_trusted_keys(const std::filesystem::path& keys_dir);
// Throws InputError if no key with that fingerprint (or its last 16 hex digits) is trusted there.
std::filesystem::path untrust_key(const std::string& fingerprint, const std::filesystem::path& keys_dir);

}  // namespace spackext::bundles
