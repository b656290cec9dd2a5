// The GCS JSON API's object resources and objects.list pages, as Google
// documents them: int64 fields (size, generation) are JSON strings, times
// are RFC 3339.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace spackext::mirrors::gcs {

struct GcsObject {
  std::string name;
  std::uint64_t size = 0;
  std::string generation;  // the object's version; ifGenerationMatch takes it
  std::string md5_hash;    // base64 MD5 of the content; absent for composite objects
  std::optional<std::chrono::system_clock::time_point> updated;
};

struct ListPage {
  std::vector<GcsObject> items;
  std::string next_page_token;  // empty on the last page
};

// Both throw Error (naming `what`) on a reply that is not the documented shape.
GcsObject parse_object(const nlohmann::json& resource, const std::string& what);
ListPage parse_list_page(std::string_view body, const std::string& what);

// "2024-05-01T12:34:56.789Z" or with a numeric offset; nullopt if malformed.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace spackext::mirrors::gcs
