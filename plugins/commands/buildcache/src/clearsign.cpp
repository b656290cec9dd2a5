#include "buildcache/clearsign.hpp"

namespace spackext::buildcache {

namespace {
constexpr std::string_view kBegin = "-----BEGIN PGP SIGNED MESSAGE-----";
constexpr std::string_view kSigBegin = "-----BEGIN PGP SIGNATURE-----";

std::string_view next_line(std::string_view text, std::size_t& pos) {
  auto end = text.find('\n', pos);
  std::string_view line = text.substr(pos, end == std::string_view::npos ? text.size() - pos : end - pos);
  pos = end == std::string_view::npos ? text.size() : end + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}
}  // namespace

bool is_clearsigned(std::string_view text) {
  auto start = text.find_first_not_of(" \t\r\n");
  return start != std::string_view::npos && text.substr(start, kBegin.size()) == kBegin;
}

std::optional<std::string> clearsigned_payload(std::string_view text) {
  if (!is_clearsigned(text)) return std::nullopt;
  std::size_t pos = text.find(kBegin);
  next_line(text, pos);
  // Armor headers ("Hash: SHA512") up to the first empty line.
  for (;;) {
    if (pos >= text.size()) return std::nullopt;
    if (next_line(text, pos).empty()) break;
  }
  std::string payload;
  bool first = true;
  for (;;) {
    if (pos >= text.size()) return std::nullopt;  // no signature block
    auto line = next_line(text, pos);
    if (line == kSigBegin) break;
    if (line.substr(0, 2) == "- ") line.remove_prefix(2);  // dash-escaping (RFC 4880 7.1)
    if (!first) payload += '\n';
    payload.append(line);
    first = false;
  }
  return payload;
}

std::string json_payload(std::string_view text) {
  if (auto p = clearsigned_payload(text)) return *p;
  return std::string(text);
}

}  // namespace spackext::buildcache
