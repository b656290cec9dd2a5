// Turning what the user typed (a configured mirror's name, a URL, or a plain
// path) into an open MirrorStore through the `mirror` service for its scheme.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <spackext/registry.hpp>
#include <spackext/services/mirror.hpp>

#include "buildcache/mirror_config.hpp"

namespace spackext::buildcache {

// "s3" for "s3://b/p", "oci+http" for "oci+http://h/r"; InputError if the
// text is not a URL with a scheme.
std::string url_scheme(const std::string& url);
// The URL with any user:password@ removed (for messages and reports).
std::string redact_url(const std::string& url);

struct OpenedMirror {
  std::string name;  // configured name, or the URL itself
  std::string url;
  bool signed_ = true;
  std::unique_ptr<MirrorStore> store;
};

// `push` selects the push URL/credentials of a configured mirror. An unknown
// scheme is an InputError naming the schemes the installed plugins provide.
OpenedMirror open_mirror(Registry& registry, const MirrorsConfig& config, const std::string& name_or_url,
                         bool push);

}  // namespace spackext::buildcache
