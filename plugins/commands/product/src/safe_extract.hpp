// Unpacking a tar(.gz) below one folder and nowhere else: absolute member
// names, '..' parts, special files and links that lead out of the folder are
// refused (InputError naming the archive and the member) before anything of
// that member is written.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

struct archive;

namespace spackext::product {

struct ExtractOptions {
  // Symbolic links with absolute targets: refused unless allowed (a Spack
  // tarball may hold links into its own old prefix, which pack rewrites).
  bool allow_absolute_links = false;
  // Called for members whose name is `name` before they are written; return
  // false to skip writing it (the caller read it with archive_read_data).
  std::function<bool(const std::string& name, ::archive* a)> intercept;
};

// Extracts `archive_file` into `root` (an existing folder we own).
void extract_below(const std::filesystem::path& archive_file, const std::filesystem::path& root,
                   const ExtractOptions& options = {});

// Reads the rest of the current member's data.
std::string read_member_data(::archive* a, const std::string& where);

}  // namespace spackext::product
