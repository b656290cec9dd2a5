#include "health_command.hpp"

#include <algorithm>
#include <map>
#include <ostream>

#include <spackext/errors.hpp>

#include "health_report.hpp"

namespace spackext::health {

namespace fs = std::filesystem;

std::vector<NamedCheck> select_checks(Registry& registry, const std::vector<std::string>& names) {
  std::vector<NamedCheck> out;
  auto owner = [&](const std::string& name) {
    // The plugin of the service find() returns: the highest priority one.
    const ServiceInfo* best = nullptr;
    auto infos = registry.list(HealthCheck::kKind);
    for (const auto& i : infos)
      if (i.name == name && (!best || i.priority > best->priority)) best = &i;
    return best ? best->plugin : std::string();
  };
  if (!names.empty()) {
    for (const auto& name : names) {
      auto check = registry.find<HealthCheck>(name);
      if (!check) {
        registry.all<HealthCheck>();  // so the message can list every check
        std::vector<std::string> known;
        for (const auto& i : registry.list(HealthCheck::kKind)) known.push_back(i.name);
        std::sort(known.begin(), known.end());
        known.erase(std::unique(known.begin(), known.end()), known.end());
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        throw UsageError("health check: no check named '" + name + "'; installed checks: " + list);
      }
      out.push_back({name, owner(name), check});
    }
    return out;
  }
  registry.all<HealthCheck>();  // loads every plugin that declares a check
  std::map<std::string, bool> seen;  // sorted: a stable order whoever registered first
  for (const auto& i : registry.list(HealthCheck::kKind)) seen[i.name] = true;
  for (const auto& [name, _] : seen) out.push_back({name, owner(name), registry.find<HealthCheck>(name)});
  return out;
}

int HealthCommand::run(const CommandInvocation& inv) {
  const ParsedArgs& args = inv.parsed;
  HealthRequest request;
  request.network = !args.has("offline");
  request.verbose = inv.output.verbosity > 0;  // -v/--verbose, taken by the host anywhere on the line
  const bool strict = args.has("strict");
  if (args.given("spack-scope")) {
    request.spack_scope = args.get("spack-scope");
    std::error_code ec;
    if (!fs::is_directory(request.spack_scope, ec))
      throw InputError(request.spack_scope.string(), "no such folder (expected a Spack configuration scope)");
  }
  auto checks = select_checks(host_.registry(), args.all("check"));
  auto summary = run_checks(checks, request);
  if (inv.output.json) {
    inv.out << report_json(summary, strict).dump(2) << "\n";
  } else {
    print_report(inv.out, summary, request.verbose, strict);
  }
  return summary.exit_code(strict);
}

}  // namespace spackext::health
