// Prefixes written into files, replaced the way Spack relocates them:
// in text files by plain replacement (lengths may change), in binary files
// only inside a C string of fixed length - the old prefix becomes a padded
// placeholder of the same length at pack time, and at install time the new
// prefix followed by the rest of the string and NUL padding. A binary string
// can shrink but never grow.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace spackext::product {

// Replaces every `from` with its `to` (longer `from`s first); true if the
// file changed. The file is rewritten in place, keeping its mode.
bool replace_in_text_file(const std::filesystem::path& file,
                          const std::vector<std::pair<std::string, std::string>>& replacements);

struct PrefixOccurrence {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;  // bytes of the old prefix, now placeholder
  std::string prefix;         // which old prefix it was
};

// Overwrites each occurrence of the `prefixes` (followed by '/', ':', NUL or
// the end) with a placeholder of the same length; returns where they were.
std::vector<PrefixOccurrence> placeholder_binary_prefixes(const std::filesystem::path& file,
                                                          const std::vector<std::string>& prefixes);

// The placeholder bytes for a string of `length` bytes.
std::string padded_placeholder(std::size_t length);

// At `offset` (a placeholder of `length` bytes starting a C string), writes
// `prefix` + the rest of the string, NUL-padded to the same total size.
// InputError when the bytes there are not the placeholder or `prefix` is too long.
void write_binary_prefix(const std::filesystem::path& file, std::uint64_t offset, std::uint64_t length,
                         const std::string& prefix);

// True if the first bytes of the file look like text (no NUL in 8 KiB).
bool looks_like_text(const std::filesystem::path& file);

}  // namespace spackext::product
