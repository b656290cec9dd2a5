// Picks the microarchitecture of a host the way archspec does (Linux rules):
// compatible candidates per family, the best generic one, the Arm CPU part
// filter, then the best strict descendant of the best generic target.
#pragma once

#include <vector>

#include "spackext/microarch/cpuinfo.hpp"
#include "spackext/microarch/database.hpp"

namespace spackext::microarch {

struct DetectionResult {
  const Microarchitecture* target = nullptr;        // the answer
  const Microarchitecture* best_generic = nullptr;  // the best compatible generic target
  std::vector<const Microarchitecture*> candidates;  // every compatible target, table order
};

// Throws InputError when the database has no tree for host.machine.
DetectionResult detect(const Database& db, const HostCpu& host);

// True when `target` may run on `host` under the family's rule.
bool compatible(const Database& db, const HostCpu& host, const Microarchitecture& target);

}  // namespace spackext::microarch
