// Helpers every CI backend needs: job names an engine accepts, and Slurm-style
// sizes and times turned into numbers an engine can express differently.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "spackext/services/ci.hpp"

namespace spackext {

std::vector<std::string> engine_job_names(const std::vector<std::string>& names, const NameRules& rules) {
  std::set<std::string> taken(rules.reserved.begin(), rules.reserved.end());
  std::vector<std::string> out;
  out.reserve(names.size());
  for (const auto& name : names) {
    std::string s;
    bool replaced = false;
    for (char c : name) {
      char k = rules.lower_case ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
      if (rules.allowed(k)) {
        s += k;
        replaced = false;
      } else if (!replaced) {
        s += rules.replacement;
        replaced = true;
      }
    }
    // Trailing replacement characters say nothing (and some engines refuse them).
    while (!s.empty() && s.back() == rules.replacement) s.pop_back();
    while (!s.empty() && s.front() == rules.replacement) s.erase(s.begin());
    if (s.empty() || !std::isalpha(static_cast<unsigned char>(s.front()))) s = rules.prefix_if_bad_start + s;
    if (s.empty()) s = "job";
    if (s.size() > rules.max_length) s.resize(rules.max_length);
    std::string candidate = s;
    for (int n = 2; taken.count(candidate); ++n) {
      auto suffix = "-" + std::to_string(n);
      candidate = s.substr(0, std::min(s.size(), rules.max_length - suffix.size())) + suffix;
    }
    taken.insert(candidate);
    out.push_back(std::move(candidate));
  }
  return out;
}

std::string shell_quote(std::string_view s) {
  if (!s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789@%^._/+=:,-") == std::string_view::npos)
    return std::string(s);
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string job_shell_script(const PlanJob& job, bool with_env) {
  std::string out = "set -e\n";
  if (with_env)
    for (const auto& [k, v] : job.env) out += "export " + k + "=" + shell_quote(v) + "\n";
  for (const auto& c : job.commands) out += c + "\n";
  return out;
}

unsigned long long parse_size_bytes(std::string_view size) {
  unsigned long long n = 0;
  auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), n);
  if (ec != std::errc() || end == size.data()) return 0;
  std::string_view unit(end, size.data() + size.size() - end);
  if (unit.empty() || unit == "M" || unit == "m") return n << 20;
  if (unit == "K" || unit == "k") return n << 10;
  if (unit == "G" || unit == "g") return n << 30;
  if (unit == "T" || unit == "t") return n << 40;
  return 0;
}

long parse_duration_seconds(std::string_view time) {
  // Slurm: "minutes", "minutes:seconds", "hours:minutes:seconds", "days-hours[:minutes[:seconds]]".
  long days = 0;
  if (auto dash = time.find('-'); dash != std::string_view::npos) {
    auto [e, ec] = std::from_chars(time.data(), time.data() + dash, days);
    if (ec != std::errc() || e != time.data() + dash) return 0;
    time.remove_prefix(dash + 1);
  }
  std::vector<long> parts;
  while (!time.empty()) {
    long v = 0;
    auto [e, ec] = std::from_chars(time.data(), time.data() + time.size(), v);
    if (ec != std::errc() || v < 0) return 0;
    parts.push_back(v);
    time.remove_prefix(static_cast<std::size_t>(e - time.data()));
    if (!time.empty()) {
      if (time.front() != ':') return 0;
      time.remove_prefix(1);
    }
  }
  long s = 0;
  if (days) {  // days-hours[:minutes[:seconds]]
    long mult[] = {3600, 60, 1};
    for (std::size_t i = 0; i < parts.size() && i < 3; ++i) s += parts[i] * mult[i];
    return days * 86400 + s;
  }
  if (parts.size() == 1) return parts[0] * 60;
  if (parts.size() == 2) return parts[0] * 60 + parts[1];
  if (parts.size() == 3) return parts[0] * 3600 + parts[1] * 60 + parts[2];
  return 0;
}

}  // namespace spackext
