// One CPU microarchitecture as the database knows it: where it sits in the
// family DAG, what it requires of a host, and how compilers optimize for it.
// The model follows archspec's (https://github.com/archspec/archspec), so a
// Spack installation's archspec database can be loaded into it unchanged.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace spackext::microarch {

// One entry of a compiler's ordered rule list: for versions in `versions`
// ("lo:hi", both ends inclusive, either may be empty) emit `flags`, with
// {name} replaced by `name` (or the target's own name when empty).
struct CompilerRule {
  std::string versions;
  std::string name;
  std::string flags;
  std::string warning;  // shown when this rule is used
  std::string family;   // rare {family} placeholder in flags
};

struct Microarchitecture {
  std::string name;
  std::vector<std::string> parents;  // direct parents: binaries for them run here
  std::string vendor;                // "generic" or the vendor string the OS reports
  std::set<std::string> features;    // complete set, /proc/cpuinfo spelling
  int generation = 0;                // POWER only
  std::string cpupart;               // aarch64 only: "CPU part", lower-case hex
  // Compiler name -> rules in priority order. A compiler present with an
  // empty list is "listed, but no version can optimize for this target".
  std::map<std::string, std::vector<CompilerRule>> compilers;

  // Filled in by the Database when it links the DAG:
  std::vector<std::string> ancestors;  // parents first, then theirs (archspec order)
  std::string family;                  // the DAG root
  std::string origin;                  // table the entry came from (built-in, file, plugin)

  bool generic() const { return vendor == "generic"; }
  bool has_ancestor(const std::string& other) const;
};

}  // namespace spackext::microarch
