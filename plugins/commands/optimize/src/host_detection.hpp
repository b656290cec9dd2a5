// Detection as `optimize detect` reports it: the optimizers' answer for the
// cpuinfo text and, when CPUID was read, the answer with CPUID's features
// added, plus which needed features only CPUID reports (a guest kernel or
// hypervisor hid them from /proc/cpuinfo).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spackext/microarch/database.hpp>
#include <spackext/services/optimizer.hpp>

#include "cpu_source.hpp"

namespace spackext::optimize {

struct HostDetection {
  MicroarchDetection answer;                     // from cpuinfo: archspec's answer
  std::optional<MicroarchDetection> with_cpuid;  // when CPUID was read
  std::vector<std::string> hidden;               // needed features only CPUID reports
  CpuSource source;
  bool cpuid_differs() const { return with_cpuid && with_cpuid->name != answer.name; }
};

// Asks the optimizers in order; the first answer wins. No answer: Error (exit 1).
HostDetection detect_cpu(const std::vector<std::shared_ptr<Optimizer>>& optimizers, CpuSource source,
                         const std::shared_ptr<const microarch::Database>& db);

}  // namespace spackext::optimize
