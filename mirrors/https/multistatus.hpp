// The WebDAV PROPFIND reply (RFC 4918 "207 Multi-Status") as a list of
// entries. Servers differ in namespace prefixes (D:, d:, lp1:, a default
// xmlns) and in whether hrefs are absolute URLs or paths, so elements are
// matched by local name and hrefs are reduced to decoded paths.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spackext::mirrors::https {

struct DavEntry {
  std::string path;  // %-decoded URL path as the server wrote it (collections keep their trailing '/')
  bool collection = false;
  std::uint64_t size = 0;
  std::string etag;  // quotes and weak marker removed; empty if the server sent none
  std::optional<std::chrono::system_clock::time_point> modified;
};

// Throws spackext::Error starting with `what` when the XML is malformed or
// not a multistatus document. Properties are taken from the propstat whose
// status is 200.
std::vector<DavEntry> parse_multistatus(const std::string& xml, const std::string& what);

// "%2B" -> "+"; malformed escapes are kept as they are.
std::string percent_decode(std::string_view s);
// "https://h:1/a%20b/" -> "/a b/"; "/a%20b" -> "/a b".
std::string href_path(std::string_view href);
// ETag header or getetag value without quotes and W/ ("W/\"x\"" -> "x").
std::string bare_etag(std::string_view etag);
// An RFC 1123 date (HTTP Last-Modified, getlastmodified), nullopt if unparsable.
std::optional<std::chrono::system_clock::time_point> parse_http_date(const std::string& text);

}  // namespace spackext::mirrors::https
