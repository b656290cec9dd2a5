// What the product tests share: the signed v3 fixture cache, a keyring that
// trusts its key, and a packed product of peerhello.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <spackext_testing/testing.hpp>

namespace spackext::testing::product {

namespace fs = std::filesystem;

inline constexpr const char* kVariable = "PEERHELLO_PREFIX";
inline constexpr const char* kGreeting = "hello, spack-ext peer (from peerlib)";  // peerhello's output (its source prints it)

// Imports and trusts the keys the fixture mirror publishes into `keyring`.
void trust_fixture_keys(const fs::path& mirror, const fs::path& keyring, const fs::path& home);

struct Packed {
  fs::path software, modules;  // the two tarballs
};
// Packs peerhello from `mirror` into `out`; fails the test if it does not succeed.
Packed pack_peerhello(const fs::path& mirror, const fs::path& keyring, const fs::path& home, const fs::path& out);

// Unpacks a tar.gz with tar(1) into `dir`.
void untar(const fs::path& tarball, const fs::path& dir);

// Files below `dir` (relative), regular files only.
std::vector<std::string> files_below(const fs::path& dir);

// Writes a gzip tar with the given members in order: name -> content; a
// content starting with "->" makes a symbolic link to the rest.
void write_tar_gz(const fs::path& file, const std::vector<std::pair<std::string, std::string>>& members);

}  // namespace spackext::testing::product
