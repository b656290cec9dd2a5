// Reads a Spack environment lockfile (`spack.lock`, lockfile-version 4–6;
// spack-formats.md §6), including the `include_concrete` environments.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "spackext/spack/spec_set.hpp"

namespace spackext::spack {

// Throws InputError (exit 2) naming the file when it is missing, not JSON, not
// a lockfile, or of an unsupported version.
SpecSet read_lockfile(const std::filesystem::path& path);
// The same from parsed JSON; `where` names the source in errors.
SpecSet parse_lockfile(const nlohmann::json& lock, const std::string& where);

}  // namespace spackext::spack
