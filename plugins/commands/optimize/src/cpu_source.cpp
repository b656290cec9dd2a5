#include "cpu_source.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <spackext/errors.hpp>
#include <spackext/microarch/cpuinfo.hpp>

namespace spackext::optimize {

namespace {

std::string read_text(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw InputError(file.string(), "is a directory; expected a /proc/cpuinfo text file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string(), std::string("cannot read cpuinfo: ") + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool has_key(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto k = line.substr(0, colon);
    while (!k.empty() && (k.back() == ' ' || k.back() == '\t')) k.pop_back();
    if (k == key) return true;
  }
  return false;
}

}  // namespace

bool known_machine(const std::string& m) {
  return m == "x86_64" || m == "aarch64" || m == "ppc64le" || m == "ppc64" || m == "riscv64";
}

std::string guess_machine(const std::string& text) {
  if (has_key(text, "vendor_id") || has_key(text, "flags")) return "x86_64";
  if (has_key(text, "CPU implementer") || has_key(text, "Features")) return "aarch64";
  if (text.find("POWER") != std::string::npos && has_key(text, "cpu")) return "ppc64le";
  if (has_key(text, "uarch") || text.find("rv64") != std::string::npos) return "riscv64";
  return {};
}

CpuSource cpu_from_file(const std::filesystem::path& file, const std::optional<std::string>& machine) {
  CpuSource s;
  s.origin = file.string();
  s.cpuinfo = read_text(file);
  if (machine) {
    s.machine = microarch::normalize_machine(*machine);
  } else if (auto guess = guess_machine(s.cpuinfo); !guess.empty()) {
    s.machine = guess;
    s.machine_guessed = true;
  } else {
    s.machine = microarch::host_machine();
  }
  return s;
}

CpuSource cpu_from_host(const std::filesystem::path& cpuinfo_path) {
  CpuSource s;
  s.origin = cpuinfo_path.string();
  s.cpuinfo = read_text(cpuinfo_path);
  s.machine = microarch::host_machine();
  if (s.machine == "x86_64") s.cpuid = microarch::read_cpuid();
  return s;
}

}  // namespace spackext::optimize
