#include "host_detection.hpp"

#include <set>

#include <spackext/errors.hpp>
#include <spackext/microarch/cpuinfo.hpp>

namespace spackext::optimize {

namespace {

std::optional<MicroarchDetection> ask(const std::vector<std::shared_ptr<Optimizer>>& optimizers,
                                      const CpuDescription& cpu) {
  for (const auto& o : optimizers)
    if (auto d = o->detect(cpu)) return d;
  return std::nullopt;
}

}  // namespace

HostDetection detect_cpu(const std::vector<std::shared_ptr<Optimizer>>& optimizers, CpuSource source,
                         const std::shared_ptr<const microarch::Database>& db_in) {
  const auto db = db_in ? db_in : microarch::Database::builtin();
  HostDetection out{{}, std::nullopt, {}, std::move(source)};
  CpuDescription cpu{out.source.machine, out.source.cpuinfo, out.source.origin, {}, db};
  auto answer = ask(optimizers, cpu);
  if (!answer)
    throw Error("no optimizer plugin handles machine '" + out.source.machine + "' (" +
                std::to_string(optimizers.size()) + " optimizer(s) installed)");
  out.answer = std::move(*answer);
  if (!out.source.cpuid.available) return out;

  cpu.extra_features.assign(out.source.cpuid.features.begin(), out.source.cpuid.features.end());
  out.with_cpuid = ask(optimizers, cpu);
  // Only features some target needs: the rest (hypervisor, ...) is noise.
  std::set<std::string> needed;
  for (const auto& t : db->targets()) needed.insert(t.features.begin(), t.features.end());
  const auto seen = microarch::parse_cpuinfo(out.source.cpuinfo, out.source.machine, *db, out.source.origin).features;
  for (const auto& f : out.source.cpuid.features)
    if (needed.count(f) && !seen.count(f)) out.hidden.push_back(f);
  return out;
}

}  // namespace spackext::optimize
