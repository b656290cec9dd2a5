// Reads Spack's install database (`<install_tree>/.spack-db/index.json`) and
// the buildcache index, which share one envelope:
// {"database": {"version": "8", "installs": {h32: {"spec": node, ...}}}}
// (spack-formats.md §1c).
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "spackext/spack/spec_set.hpp"

namespace spackext::spack {

// Roots are the explicitly installed records (database) or the records that
// are in the buildcache (index). Each spec's `prefix` is the record's `path`;
// `present` is the record's `installed` (database) or `in_buildcache` (index).
// Throws InputError naming the file when missing, not JSON or not a database.
SpecSet read_install_database(const std::filesystem::path& index_json);
SpecSet parse_install_database(const nlohmann::json& db, const std::string& where);

// `<install_tree>/.spack-db/index.json` for an install tree root.
std::filesystem::path install_database_path(const std::filesystem::path& install_root);

}  // namespace spackext::spack
