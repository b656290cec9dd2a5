#include "spackext/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace spackext {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::vector<std::string> closest_names(std::string_view name, const std::vector<std::string>& known,
                                       std::size_t count, std::size_t max_distance) {
  std::vector<std::pair<std::size_t, std::size_t>> scored;  // distance, position in `known`
  for (std::size_t i = 0; i < known.size(); ++i)
    if (auto d = edit_distance(name, known[i]); d <= max_distance) scored.emplace_back(d, i);
  std::stable_sort(scored.begin(), scored.end(), [](auto& x, auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < count; ++i) out.push_back(known[scored[i].second]);
  return out;
}

std::string closest_name(std::string_view name, const std::vector<std::string>& known, std::size_t max_distance) {
  auto best = closest_names(name, known, 1, max_distance);
  return best.empty() ? std::string() : best.front();
}

}  // namespace spackext
