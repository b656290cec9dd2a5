// Reproducible tar.gz of a folder: members sorted by name, owner 0, mtime 0,
// permissions kept, links as links; `first` members (e.g. the manifest) lead,
// so a reader sees them before any software. Written straight to `file` and
// flushed: callers write into a work folder and rename it into place.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace spackext::product {

void write_tarball(const std::filesystem::path& folder, const std::filesystem::path& file,
                   const std::vector<std::string>& first = {});

}  // namespace spackext::product
