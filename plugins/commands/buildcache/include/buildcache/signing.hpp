// Signing a layout-v3 mirror the way `spack buildcache push --key` leaves it:
// each spec manifest replaced by its clearsigned form (same file name, the
// payload byte-identical to the unsigned manifest), and the public key
// published as a key blob + key manifest + key index (spec-formats §1b).
#pragma once

#include <string>
#include <vector>

#include <spackext/services/mirror.hpp>

#include "buildcache/gpg.hpp"

namespace spackext::buildcache {

struct SignReport {
  std::vector<std::string> signed_keys;  // manifests signed now
  std::size_t already_signed = 0;
  std::vector<std::string> published;    // key objects written
};

SignReport sign_mirror(MirrorStore& store, Keyring& keyring, const std::string& fingerprint);

}  // namespace spackext::buildcache
