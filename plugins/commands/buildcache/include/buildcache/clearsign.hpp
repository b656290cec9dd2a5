// OpenPGP cleartext-signed files (Spack's *.sig spec files and signed v3
// manifests). Spack recovers the JSON as the text between the armor header
// block and the signature block; so do we.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace spackext::buildcache {

bool is_clearsigned(std::string_view text);
// The signed payload with dash-escaping undone, or nullopt when `text` is not
// a well-formed cleartext signature.
std::optional<std::string> clearsigned_payload(std::string_view text);
// The payload if clearsigned, else the text itself.
std::string json_payload(std::string_view text);

}  // namespace spackext::buildcache
