// Reads a plugin's embedded manifest straight from the ELF file with libelf:
// no dlopen, so no constructor of the plugin runs.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace spackext::core {

struct ElfManifestResult {
  enum class Status { ok, bad_file, no_section } status = Status::ok;
  std::string text;   // the section bytes when ok
  std::string error;  // why not, otherwise
};

ElfManifestResult read_elf_manifest(const std::filesystem::path& file);
// The same checks on a file held in memory (a bundle member that has not
// been written anywhere yet).
ElfManifestResult read_elf_manifest_image(std::string_view image);

}  // namespace spackext::core
