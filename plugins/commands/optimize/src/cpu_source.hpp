// Where `optimize detect` gets its CPU description: a cpuinfo file given on
// the command line, or the running host (/proc/cpuinfo, uname -m and, on x86,
// CPUID, which sees what a guest kernel hides from /proc/cpuinfo).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <spackext/microarch/cpuid.hpp>

namespace spackext::optimize {

struct CpuSource {
  std::string machine;
  bool machine_guessed = false;  // taken from the file's content, not --machine/uname
  std::string cpuinfo;
  std::string origin;            // the file read
  microarch::CpuidReport cpuid;  // live x86 host only
};

// The machines `--machine` accepts.
bool known_machine(const std::string& machine);

// A cpuinfo file; `machine` from --machine, else guessed from the text
// (vendor_id/flags: x86_64; CPU implementer/Features: aarch64; POWER: ppc64le;
// isa rv64: riscv64), else the running machine. Unreadable file: InputError.
CpuSource cpu_from_file(const std::filesystem::path& file, const std::optional<std::string>& machine);

// The running host; `cpuinfo_path` is /proc/cpuinfo except in tests.
CpuSource cpu_from_host(const std::filesystem::path& cpuinfo_path = "/proc/cpuinfo");

// The machine a cpuinfo text belongs to, or empty when it cannot tell.
std::string guess_machine(const std::string& cpuinfo);

}  // namespace spackext::optimize
