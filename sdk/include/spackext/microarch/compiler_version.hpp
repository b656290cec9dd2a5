// Compiler versions as archspec compares them: integer tuples, component by
// component ("12.2.1" > "12.2", "13" < "13.0"). Ranges are "lo:hi", both
// ends inclusive, either side may be empty.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spackext::microarch {

using VersionTuple = std::vector<long>;

// nullopt unless the text is digits separated by single dots ("13.2.0").
std::optional<VersionTuple> parse_version(std::string_view text);

struct VersionRange {
  std::optional<VersionTuple> low, high;
  bool contains(const VersionTuple& v) const;
};

// Throws InputError (naming `where`) for a malformed range.
VersionRange parse_range(std::string_view text, const std::string& where);

std::string to_string(const VersionTuple& v);

}  // namespace spackext::microarch
