// The library search path of an ELF file: read with libelf, rewritten with
// patchelf, which rebuilds the dynamic string table when the new path is
// longer (a string replaced in place could only ever shrink).
#pragma once

#include <filesystem>
#include <string>

namespace spackext::product {

struct ElfSearchPath {
  bool elf = false;      // the file is an ELF object
  bool dynamic = false;  // it has a dynamic section
  bool runpath = false;  // DT_RUNPATH (else DT_RPATH)
  bool present = false;  // it has either
  std::string value;     // colon-separated
};

ElfSearchPath read_search_path(const std::filesystem::path& file);
bool is_elf(const std::filesystem::path& file);

// Sets (or with an empty value removes) the search path, keeping its kind.
// Error naming the file and patchelf's message when patchelf fails or is
// not installed.
void write_search_path(const std::filesystem::path& file, const std::string& value, bool runpath);

}  // namespace spackext::product
