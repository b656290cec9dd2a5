// archspec microarchitecture names accepted by --arch (Spack's `target=`),
// with the family (uname -m spelling) each belongs to. Written from
// archspec's database (see the microarch notes in the shared reference); the
// optimizer plugins hold the full records.
#pragma once

#include <map>
#include <string>

namespace spackext::config {

inline const std::map<std::string, std::string>& known_targets() {
  static const std::map<std::string, std::string> family_of = {
      {"x86_64", "x86_64"}, {"x86_64_v2", "x86_64"}, {"x86_64_v3", "x86_64"},
      {"x86_64_v4", "x86_64"}, {"nocona", "x86_64"}, {"core2", "x86_64"}, {"nehalem", "x86_64"},
      {"westmere", "x86_64"}, {"sandybridge", "x86_64"}, {"ivybridge", "x86_64"},
      {"haswell", "x86_64"}, {"broadwell", "x86_64"}, {"skylake", "x86_64"}, {"mic_knl", "x86_64"},
      {"skylake_avx512", "x86_64"}, {"cannonlake", "x86_64"}, {"cascadelake", "x86_64"},
      {"icelake", "x86_64"}, {"sapphirerapids", "x86_64"}, {"alderlake", "x86_64"},
      {"meteorlake", "x86_64"}, {"arrowlake", "x86_64"}, {"arrowlake_s", "x86_64"},
      {"k10", "x86_64"}, {"bulldozer", "x86_64"}, {"piledriver", "x86_64"},
      {"steamroller", "x86_64"}, {"excavator", "x86_64"}, {"zen", "x86_64"}, {"zen2", "x86_64"},
      {"zen3", "x86_64"}, {"zen4", "x86_64"}, {"zen5", "x86_64"}, {"aarch64", "aarch64"},
      {"armv8.1a", "aarch64"}, {"armv8.2a", "aarch64"}, {"armv8.3a", "aarch64"},
      {"armv8.4a", "aarch64"}, {"armv8.5a", "aarch64"}, {"armv8.6a", "aarch64"},
      {"armv9.0a", "aarch64"}, {"armv9.2a", "aarch64"}, {"thunderx2", "aarch64"},
      {"a64fx", "aarch64"}, {"cortex_a72", "aarch64"}, {"neoverse_n1", "aarch64"},
      {"neoverse_n2", "aarch64"}, {"neoverse_v1", "aarch64"}, {"neoverse_v2", "aarch64"},
      {"neoverse_v3ae", "aarch64"}, {"ampere1", "aarch64"}, {"ampere1a", "aarch64"},
      {"m1", "aarch64"}, {"m2", "aarch64"}, {"m3", "aarch64"}, {"m4", "aarch64"},
      {"ppc64", "ppc64"}, {"power7", "ppc64"}, {"power8", "ppc64"}, {"power9", "ppc64"},
      {"power10", "ppc64"}, {"ppc64le", "ppc64le"}, {"power8le", "ppc64le"},
      {"power9le", "ppc64le"}, {"power10le", "ppc64le"}, {"riscv64", "riscv64"},
      {"u74mc", "riscv64"}};
  return family_of;
}

}  // namespace spackext::config
