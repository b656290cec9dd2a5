// The Optimizer service over the database (family plugins, vendor plugins).
#include "spackext/microarch/table_optimizer.hpp"

#include <algorithm>

#include "spackext/errors.hpp"
#include "spackext/microarch/cpuinfo.hpp"
#include "spackext/microarch/detection.hpp"
#include "spackext/microarch/optimization_flags.hpp"

namespace spackext::microarch {

TableOptimizer::TableOptimizer(std::vector<std::string> families, std::string extra_table,
                               std::string table_origin)
    : families_(std::move(families)),
      extra_table_(std::move(extra_table)),
      table_origin_(table_origin.empty() ? "optimizer table" : std::move(table_origin)) {
  if (!extra_table_.empty()) {
    const auto table = Database::parse_table(extra_table_, table_origin_);
    for (const auto& t : table.targets()) own_targets_.push_back(t.name);
  }
}

std::shared_ptr<const Database> TableOptimizer::database(const std::shared_ptr<const Database>& base_in) {
  auto base = base_in ? base_in : Database::builtin();
  if (extra_table_.empty()) return base;
  std::lock_guard lock(mutex_);
  if (auto it = merged_.find(base.get()); it != merged_.end()) return it->second;
  Database merged = *base;
  merged.merge(Database::parse_table(extra_table_, table_origin_));
  merged.set_source(base->source() + " + " + table_origin_);
  auto out = std::make_shared<const Database>(std::move(merged));
  keep_alive_.push_back(base);
  merged_.emplace(base.get(), out);
  return out;
}

bool TableOptimizer::handles_family(const std::string& family) const {
  return std::find(families_.begin(), families_.end(), family) != families_.end();
}

bool TableOptimizer::owns(const std::string& target) const {
  return own_targets_.empty() ||
         std::find(own_targets_.begin(), own_targets_.end(), target) != own_targets_.end();
}

MicroarchDetection describe_detection(const Database& db, const Microarchitecture& target) {
  MicroarchDetection d;
  d.name = target.name;
  d.vendor = target.vendor;
  d.family = target.family;
  d.generic = db.generic_level(target).name;
  d.features.assign(target.features.begin(), target.features.end());
  d.ancestors = target.ancestors;
  return d;
}

std::optional<MicroarchDetection> TableOptimizer::detect(const CpuDescription& cpu) {
  const std::string machine = normalize_machine(cpu.machine);
  if (!handles_family(machine)) return std::nullopt;
  auto db = database(cpu.database);
  auto host = parse_cpuinfo(cpu.cpuinfo, machine, *db, cpu.origin.empty() ? "cpuinfo" : cpu.origin);
  host.features.insert(cpu.extra_features.begin(), cpu.extra_features.end());
  add_implied_features(host.features);
  auto result = microarch::detect(*db, host);
  if (!owns(result.target->name)) return std::nullopt;
  auto d = describe_detection(*db, *result.target);
  d.family = machine;  // ppc64 vs ppc64le: the tree of the running machine
  d.details = {{"host_vendor", host.vendor},
               {"best_generic", result.best_generic->name},
               {"table", db->source()}};
  if (!host.model_name.empty()) d.details["model_name"] = host.model_name;
  if (!host.cpu_part.empty()) d.details["cpu_part"] = host.cpu_part;
  if (host.generation) d.details["power_generation"] = host.generation;
  if (!host.uarch.empty()) d.details["uarch"] = host.uarch;
  return d;
}

std::optional<FlagsAdvice> TableOptimizer::flags(const FlagsRequest& request) {
  auto db = database(request.database);
  const auto* target = db->find(request.target);
  if (!target || !handles_family(target->family) || !owns(target->name)) return std::nullopt;
  return optimization_flags(*db, *target, request.compiler, request.compiler_version);
}

std::vector<std::string> TableOptimizer::targets(const std::shared_ptr<const Database>& base) {
  auto db = database(base);
  std::vector<std::string> out;
  for (const auto& t : db->targets())
    if (handles_family(t.family) && owns(t.name)) out.push_back(t.name);
  return out;
}

TableOptimizerPlugin::TableOptimizerPlugin(std::string service_name, std::vector<std::string> families,
                                           std::string extra_table, std::string table_origin, int priority)
    : service_name_(std::move(service_name)),
      families_(std::move(families)),
      extra_table_(std::move(extra_table)),
      table_origin_(std::move(table_origin)),
      priority_(priority) {}

void TableOptimizerPlugin::register_services(HostContext& host) {
  RegisterOptions options;
  options.priority = priority_;
  host.registry().add<Optimizer>(service_name_,
                                 std::make_shared<TableOptimizer>(families_, extra_table_, table_origin_),
                                 options);
}

}  // namespace spackext::microarch
