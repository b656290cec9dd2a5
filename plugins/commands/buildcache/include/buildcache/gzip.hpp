// gzip wrappers as Spack writes them (spec blobs in layout v3), via libarchive.
#pragma once

#include <string>
#include <string_view>

namespace spackext::buildcache {

// Decompresses a whole gzip stream; throws Error naming `what` if it is not one.
std::string gunzip(std::string_view compressed, const std::string& what);
// Compresses reproducibly (no file name, mtime 0), the way Spack's blobs are made.
std::string gzip(std::string_view data);

}  // namespace spackext::buildcache
