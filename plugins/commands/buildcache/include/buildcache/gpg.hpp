// OpenPGP through GPGME: verify and make cleartext signatures exactly like
// Spack's `gpg --clearsign` / `gpg --verify`, and manage the keyring.
// One Keyring per thread (a GPGME context is not shareable across threads).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spackext::buildcache {

struct KeyInfo {
  std::string fingerprint;
  std::string uid;
  bool secret = false;
  bool can_sign = false;
};

struct SignatureCheck {
  bool good = false;          // a valid signature by a key in the keyring
  std::string fingerprint;    // of the signing key (when known)
  std::string reason;         // why not good ("no public key", "bad signature", ...)
  std::string payload;        // the signed text as gpg returns it
};

class Keyring {
 public:
  // `home` is the GnuPG home folder; nullopt = GNUPGHOME / gpg's default.
  explicit Keyring(std::optional<std::filesystem::path> home);
  ~Keyring();
  Keyring(const Keyring&) = delete;
  Keyring& operator=(const Keyring&) = delete;

  SignatureCheck verify_clearsigned(const std::string& text);
  // Clearsigns `text` with the secret key `fingerprint` (or the default key).
  std::string clearsign(const std::string& text, const std::string& fingerprint = {});
  // Imports armored keys; returns the fingerprints imported or already there.
  std::vector<std::string> import_keys(const std::string& armored);
  std::string export_public(const std::string& fingerprint);
  std::vector<KeyInfo> list(bool secret);
  // Marks a key fully trusted (ownertrust ultimate), as Spack's trusted keys are.
  void set_ultimate_trust(const std::string& fingerprint);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The keyring folder used when none is given: GNUPGHOME or `fallback`.
std::filesystem::path default_keyring(const std::filesystem::path& fallback);

}  // namespace spackext::buildcache
