// What detection needs to know about a host CPU, read from /proc/cpuinfo
// text the way archspec reads it: only the first processor block, and which
// keys matter depends on the machine (uname -m), not on the file.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace spackext::microarch {

class Database;

struct HostCpu {
  std::string machine;              // normalised uname -m: x86_64, aarch64, ppc64le, ...
  std::string vendor = "generic";   // vendor_id, or the mapped "CPU implementer"
  std::set<std::string> features;   // flags / Features (ssse3 implies sse3)
  std::string cpu_part;             // aarch64 "CPU part"
  int generation = 0;               // POWER<N> from the "cpu" line
  std::string model_name;           // informational
  std::string uarch;                // riscv64: the database name from "uarch"/"model name"
};

// `uname -m` spelling normalised (amd64 -> x86_64, arm64 -> aarch64).
std::string normalize_machine(std::string_view machine);

// Parses cpuinfo text for `machine`. `origin` names the text in errors.
// Throws InputError when the text has no "key : value" line at all, or none
// of the fields detection reads for `machine` (x86_64: vendor_id or flags;
// aarch64: Features, CPU implementer or CPU part; ppc64/ppc64le: cpu;
// riscv64: isa, uarch, model name or hart; any other: processor).
HostCpu parse_cpuinfo(std::string_view text, std::string_view machine, const Database& db,
                      const std::string& origin);

// archspec's implicit rule: a feature set with ssse3 also has sse3.
void add_implied_features(std::set<std::string>& features);

// The running machine (uname -m).
std::string host_machine();

}  // namespace spackext::microarch
