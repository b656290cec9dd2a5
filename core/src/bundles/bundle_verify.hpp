// Re-checks an installed bundle folder against the MANIFEST.json installed
// with it: the signature (a changed manifest is caught), then every file's
// type, size, sha256 and mode, and any file that was added (the host would
// load an added .so).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "bundles/bundle_reader.hpp"

namespace spackext::bundles {

struct InstalledCheck {
  std::filesystem::path folder;
  std::string name;
  std::string signer;                 // fingerprint, "" if unsigned or untrusted
  std::string note;                   // e.g. "unsigned (installed with --allow-unsigned)"
  std::size_t files = 0;
  std::vector<std::string> problems;  // empty: intact
};

class SignatureCache;

// `cache` (may be null) answers for signatures verified before.
InstalledCheck verify_installed(const std::filesystem::path& folder, TrustedKeyring& keyring, SignatureCache* cache);

}  // namespace spackext::bundles
