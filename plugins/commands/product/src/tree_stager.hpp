// Brings a spec and its link/run dependencies out of a Spack install tree
// (its .spack-db/index.json) into a product's software folder, with the
// buildinfo Spack would write when pushing them: ELF files and text files
// holding an install prefix, absolute links.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "cache_stager.hpp"

namespace spackext::product {

// The database of an install tree given as its root or its index.json; nullopt if `from` is neither.
std::optional<std::filesystem::path> install_tree_database(const std::string& from);

// `spec`: name, name@version, /hashprefix or name@version/hashprefix.
StagedProduct stage_from_install_tree(const std::filesystem::path& database, const std::string& spec,
                                      const std::filesystem::path& work);

}  // namespace spackext::product
