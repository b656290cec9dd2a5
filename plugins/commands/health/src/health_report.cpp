#include "health_report.hpp"

#include <algorithm>
#include <ostream>

namespace spackext::health {

namespace {

std::string status_word(HealthStatus s) { return std::string(to_string(s)); }

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

nlohmann::json report_json(const HealthSummary& summary, bool strict) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : summary.checks) {
    nlohmann::json results = nlohmann::json::array();
    for (const auto& r : c.results)
      results.push_back({{"item", r.item},
                         {"status", status_word(r.status)},
                         {"value", r.value},
                         {"advice", r.advice.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.advice)},
                         {"data", r.data}});
    checks.push_back({{"name", c.name},
                      {"plugin", c.plugin},
                      {"title", c.title},
                      {"status", status_word(c.status)},
                      {"results", std::move(results)}});
  }
  return {{"status", status_word(summary.worst())},
          {"strict", strict},
          {"exit_code", summary.exit_code(strict)},
          {"counts",
           {{"ok", summary.count(HealthStatus::ok)},
            {"warn", summary.count(HealthStatus::warn)},
            {"fail", summary.count(HealthStatus::fail)},
            {"skipped", summary.count(HealthStatus::skipped)}}},
          {"checks", std::move(checks)}};
}

void print_report(std::ostream& out, const HealthSummary& summary, bool verbose, bool strict) {
  std::size_t name_width = 0;
  for (const auto& c : summary.checks) name_width = std::max(name_width, c.name.size());
  for (const auto& c : summary.checks) {
    out << pad(status_word(c.status), 8) << pad(c.name, name_width + 2) << c.title << "\n";
    for (const auto& r : c.results) {
      // Without --verbose only what needs attention is listed.
      if (!verbose && r.status == HealthStatus::ok) continue;
      out << "        " << pad(r.status == c.status && c.results.size() == 1 ? "" : status_word(r.status), 8)
          << r.item << ": " << r.value << "\n";
      if (!r.advice.empty() && r.status != HealthStatus::ok) out << "                -> " << r.advice << "\n";
    }
  }
  out << "\n"
      << summary.count(HealthStatus::ok) << " ok, " << summary.count(HealthStatus::warn) << " warning(s), "
      << summary.count(HealthStatus::fail) << " failed, " << summary.count(HealthStatus::skipped) << " skipped";
  if (strict && summary.worst() == HealthStatus::warn) out << " (warnings fail with --strict)";
  out << "\n";
}

}  // namespace spackext::health
