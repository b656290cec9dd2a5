// JSON text exactly as Spack's Python writes it. Documents we write are
// nlohmann::ordered_json so keys keep the order Spack gave them.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace spackext::buildcache {

// Parses a (metadata-sized) JSON document; InputError naming `where`.
nlohmann::ordered_json parse_json(const std::string& text, const std::string& where);

// json.dumps(value, indent=0, separators=(",", ":")): a newline after every
// token, no indentation, ASCII-escaped. Spack writes manifests and the
// payload of clearsigned files this way so gpg never sees an overlong line.
std::string dump_token_per_line(const nlohmann::ordered_json& value);
// json.dumps(value, separators=(",", ":")): compact (spec blobs).
std::string dump_compact(const nlohmann::ordered_json& value);

}  // namespace spackext::buildcache
