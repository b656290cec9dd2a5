// How `health check` shows its findings: a table for people (problems only,
// everything with --verbose) or one JSON document.
#pragma once

#include <iosfwd>

#include <nlohmann/json.hpp>

#include "check_runner.hpp"

namespace spackext::health {

nlohmann::json report_json(const HealthSummary& summary, bool strict);
void print_report(std::ostream& out, const HealthSummary& summary, bool verbose, bool strict);

}  // namespace spackext::health
