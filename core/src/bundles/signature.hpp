// OpenPGP signatures of bundle manifests (gpgme).
//
// Trusted publishers are public key files (<FINGERPRINT>.asc) in a keys
// folder. Verification imports them into a private, throw-away GnuPG home, so
// only those keys count (never the user's own keyring) and a read-only site
// folder works for every user.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace spackext::bundles {

struct PublicKey {
  std::string fingerprint;
  std::string uid;
  std::string armored;  // the public key only, ASCII-armored
};

struct SignatureVerdict {
  bool good = false;
  std::string signer;  // fingerprint of the signing key, when known
  std::string reason;  // why not good
};

class TrustedKeyring {
 public:
  // The keys are every *.asc in the existing folders of `key_dirs`, imported
  // on first use (a verify answered from a cache never starts gpg).
  explicit TrustedKeyring(std::vector<std::filesystem::path> key_dirs);
  ~TrustedKeyring();
  TrustedKeyring(const TrustedKeyring&) = delete;
  TrustedKeyring& operator=(const TrustedKeyring&) = delete;

  SignatureVerdict verify_detached(const std::string& text, const std::string& signature);

 private:
  struct Impl;
  std::vector<std::filesystem::path> key_dirs_;
  std::unique_ptr<Impl> impl_;
};

// The trusted key files (*.asc) of the existing folders among `key_dirs`, sorted.
std::vector<std::filesystem::path> trusted_key_files(const std::vector<std::filesystem::path>& key_dirs);

// The public keys in a key file (armored or binary); secret parts are never
// kept. Throws InputError if the file holds no OpenPGP key.
std::vector<PublicKey> read_public_keys(const std::filesystem::path& key_file);

// A detached, ASCII-armored signature of `text` by the secret key
// `fingerprint` from the user's own GnuPG keyring ($GNUPGHOME or ~/.gnupg).
std::string sign_detached(const std::string& text, const std::string& fingerprint);

}  // namespace spackext::bundles
