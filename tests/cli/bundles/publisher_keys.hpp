// Throw-away OpenPGP keys for the bundle tests: a GnuPG home of its own per
// test (short path: gpg puts its agent socket there), ed25519 keys without a
// passphrase, and the agent of that home stopped at the end.
#pragma once

#include <filesystem>
#include <string>

#include "spackext_testing/testing.hpp"

namespace spackext::testing {

class PublisherKeys {
 public:
  PublisherKeys();
  ~PublisherKeys();
  // Makes a signing key for `uid`; returns its fingerprint.
  std::string generate(const std::string& uid);
  // Writes the armored public key of `fingerprint` to `file`.
  void export_public(const std::string& fingerprint, const std::filesystem::path& file);
  // A detached armored signature of `text` by `fingerprint`.
  std::string sign(const std::string& fingerprint, const std::string& text);
  const std::filesystem::path& home() const { return home_.path(); }

 private:
  RunResult gpg(const std::vector<std::string>& args, const std::string& input = {});
  TempDir home_{"spx-gpg"};
};

}  // namespace spackext::testing
