// Compatibility ranges (`python: ">=3.9,<3.13"`) turned into Spack version
// constraints (`@3.9:3.12`). Spack ranges are inclusive at both ends and an
// upper bound admits its own sub-versions, so `<3.13` becomes `:3.12` and
// `<2.0` becomes `:1`; an exclusive lower bound (`>3.9`) has no Spack form
// and is refused, as is `!=`.
#pragma once

#include <optional>
#include <string>

namespace spackext::package {

struct VersionRange {
  std::string low;   // inclusive; "" = unbounded
  std::string high;  // inclusive with sub-versions; "" = unbounded
  // "3.9:3.12", "3.9:", ":3.12", "1.2" (low == high), "" (any)
  std::string to_spack() const;
  bool any() const { return low.empty() && high.empty(); }
};

// Parses PEP 440-style clauses (>=, <, <=, ==, ~=) joined by commas, or a
// Spack range ("3.9:3.12", "@3.9:"). Throws std::invalid_argument with the
// reason.
VersionRange parse_compatibility(const std::string& text);

// The versions both ranges admit, or nullopt when none.
std::optional<VersionRange> intersect(const VersionRange& a, const VersionRange& b);

}  // namespace spackext::package
