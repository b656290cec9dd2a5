// Integer-tuple versions and inclusive ranges, archspec's semantics.
#include "spackext/microarch/compiler_version.hpp"

#include <charconv>

#include "spackext/errors.hpp"

namespace spackext::microarch {

std::optional<VersionTuple> parse_version(std::string_view text) {
  VersionTuple out;
  if (text.empty()) return std::nullopt;
  while (true) {
    auto dot = text.find('.');
    auto part = text.substr(0, dot);
    if (part.empty()) return std::nullopt;
    long value = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc() || ptr != part.data() + part.size() || part.front() == '-' || part.front() == '+')
      return std::nullopt;
    out.push_back(value);
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return out;
}

bool VersionRange::contains(const VersionTuple& v) const {
  // std::vector compares lexicographically, shorter prefix first: (13) < (13, 0).
  if (low && v < *low) return false;
  if (high && *high < v) return false;
  return true;
}

VersionRange parse_range(std::string_view text, const std::string& where) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos)
    throw InputError(where, "version range '" + std::string(text) + "' must be 'low:high'");
  VersionRange r;
  auto side = [&](std::string_view s) -> std::optional<VersionTuple> {
    if (s.empty()) return std::nullopt;
    auto v = parse_version(s);
    if (!v) throw InputError(where, "malformed version '" + std::string(s) + "' in range '" + std::string(text) + "'");
    return v;
  };
  r.low = side(text.substr(0, colon));
  r.high = side(text.substr(colon + 1));
  return r;
}

std::string to_string(const VersionTuple& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "." : "") + std::to_string(v[i]);
  return out;
}

}  // namespace spackext::microarch
