// "Did you mean ...?" for mistyped names: commands, instance types, regions,
// microarchitectures. One implementation for the host and every plugin.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spackext {

// Levenshtein distance, ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The known names nearest to `name`, closest first (ties in `known` order),
// at most `count` of them and none further than `max_distance` edits.
std::vector<std::string> closest_names(std::string_view name, const std::vector<std::string>& known,
                                       std::size_t count = 1,
                                       std::size_t max_distance = static_cast<std::size_t>(-1));

// The single nearest known name, or "" when none is within `max_distance`.
std::string closest_name(std::string_view name, const std::vector<std::string>& known,
                         std::size_t max_distance = static_cast<std::size_t>(-1));

}  // namespace spackext
