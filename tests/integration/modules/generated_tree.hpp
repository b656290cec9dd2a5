// Shared by the module tests: generating a module tree in-process with the
// real writers (the lmod and tcl plugins' code) and the fixture install tree.
#pragma once

#include <filesystem>
#include <string>

#include "modules_generator.hpp"

namespace spackext::testing::modules {

// A generator whose writers are the modules-lmod / modules-tcl writers with
// the templates of this source tree, and the file:// mirror backend (the
// mirror-file plugin's store) for buildcache sources.
spackext::modules::ModulesGenerator make_generator(spackext::Bus* bus = nullptr);

// Extracts the fixture buildcache's package tarballs (peerhello, peerlib,
// peermpi) below `dir`, as `spack install --cache-only` lays them out, and
// returns the install tree root inside it
// (<dir>/opt/spack-peer/spack/opt/spack).
std::filesystem::path install_fixture_packages(const std::filesystem::path& shared, const std::filesystem::path& dir);

// Copies a file tree, replacing text in every file (fixture module files
// point at the peer's paths; tests point them at their own).
void copy_replacing(const std::filesystem::path& from, const std::filesystem::path& to,
                    const std::vector<std::pair<std::string, std::string>>& replacements);

}  // namespace spackext::testing::modules
