// x86 CPUID, read directly: it sees what a guest kernel may hide from
// /proc/cpuinfo (a hypervisor-cleared flag, a bit the kernel disabled).
// Feature names follow /proc/cpuinfo spelling so the result plugs straight
// into detection. On other architectures `available()` is false.
#pragma once

#include <set>
#include <string>

namespace spackext::microarch {

struct CpuidReport {
  bool available = false;
  std::string vendor;              // leaf 0: GenuineIntel, AuthenticAMD, ...
  std::string brand;               // leaves 0x80000002-4
  std::set<std::string> features;  // leaves 1, 7/0, 7/1, 0xD/1, 0x80000001, 0x80000008
};

CpuidReport read_cpuid();

}  // namespace spackext::microarch
