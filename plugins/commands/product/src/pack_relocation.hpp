// Pack-time relocation of a staged product (the first half of Spack's
// relocation, done once so install only substitutes the real prefix):
//  - ELF search paths: entries inside a packed spec's old prefix become
//    $ORIGIN-relative (patchelf), entries into a left-out spec's prefix or
//    the old install tree are dropped, system entries kept;
//  - text files: old prefixes -> the text placeholder + /<spec folder>;
//  - prefixes left in binary files: a same-length padded placeholder;
//  - links into an old prefix become relative links.
// The files to look at come from each package's buildinfo.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "product_manifest.hpp"
#include "staged_spec.hpp"

namespace spackext::product {

struct PackRelocation {
  std::vector<std::string> text_files;  // below the software folder
  std::vector<BinaryString> binary_strings;
  std::vector<std::string> dropped_search_paths;  // "<file>: <entry>", for warnings
};

PackRelocation relocate_for_pack(const std::filesystem::path& software, const std::vector<StagedSpec>& staged,
                                 const std::vector<std::string>& left_out_prefixes);

}  // namespace spackext::product
