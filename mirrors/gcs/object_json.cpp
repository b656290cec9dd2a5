#include "object_json.hpp"

#include <charconv>
#include <ctime>

#include <spackext/errors.hpp>

namespace spackext::mirrors::gcs {

namespace {

std::uint64_t int64_field(const nlohmann::json& j, const char* key, const std::string& what) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return 0;
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (!it->is_string()) throw Error(what + ": '" + key + "' is neither a string nor a number");
  const auto& s = it->get_ref<const std::string&>();
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) throw Error(what + ": '" + key + "' is not an integer: " + s);
  return v;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s) {
  int year, mon, day, hour, min, sec;
  if (!digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mon) || s[7] != '-' ||
      !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, hour) ||
      s[13] != ':' || !digits(s, 14, 2, min) || s[16] != ':' || !digits(s, 17, 2, sec))
    return std::nullopt;
  std::size_t pos = 19;
  std::chrono::nanoseconds fraction{0};
  if (pos < s.size() && s[pos] == '.') {
    long long scale = 100000000, ns = 0;
    ++pos;
    const auto start = pos;
    for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, scale /= 10) ns += (s[pos] - '0') * scale;
    if (pos == start) return std::nullopt;
    fraction = std::chrono::nanoseconds(ns);
  }
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om))
      return std::nullopt;
    offset_minutes = (s[pos] == '-' ? -1 : 1) * (oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  auto t = std::chrono::system_clock::from_time_t(timegm(&tm));
  return t - std::chrono::minutes(offset_minutes) +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(fraction);
}

GcsObject parse_object(const nlohmann::json& r, const std::string& what) {
  if (!r.is_object() || !r.contains("name") || !r["name"].is_string())
    throw Error(what + ": object resource without a name");
  GcsObject o;
  o.name = r["name"].get<std::string>();
  o.size = int64_field(r, "size", what);
  if (auto g = r.find("generation"); g != r.end())
    o.generation = g->is_string() ? g->get<std::string>() : std::to_string(int64_field(r, "generation", what));
  if (auto u = r.find("updated"); u != r.end() && u->is_string()) o.updated = parse_rfc3339(u->get<std::string>());
  if (auto m = r.find("md5Hash"); m != r.end() && m->is_string()) o.md5_hash = m->get<std::string>();
  return o;
}

ListPage parse_list_page(std::string_view body, const std::string& what) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) throw Error(what + ": objects.list reply is not a JSON object");
  ListPage page;
  if (auto items = j.find("items"); items != j.end()) {
    if (!items->is_array()) throw Error(what + ": 'items' is not an array");
    for (const auto& item : *items) page.items.push_back(parse_object(item, what));
  }
  if (auto t = j.find("nextPageToken"); t != j.end() && t->is_string()) page.next_page_token = t->get<std::string>();
  return page;
}

}  // namespace spackext::mirrors::gcs
