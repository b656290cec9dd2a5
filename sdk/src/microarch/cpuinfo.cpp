// /proc/cpuinfo as archspec reads it on Linux.
#include "spackext/microarch/cpuinfo.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <charconv>
#include <regex>
#include <vector>

#include "spackext/errors.hpp"
#include "spackext/microarch/database.hpp"

namespace spackext::microarch {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::set<std::string> split_words(std::string_view s) {
  std::set<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) out.emplace(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// The first processor block: "key : value" lines up to the first line
// without a colon once something was read. Later duplicates win.
std::map<std::string, std::string> first_block(std::string_view text) {
  std::map<std::string, std::string> info;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      if (!info.empty()) break;
      continue;
    }
    info[std::string(trim(line.substr(0, colon)))] = std::string(trim(line.substr(colon + 1)));
  }
  return info;
}

std::string value_or(const std::map<std::string, std::string>& info, const char* key,
                     std::string fallback = {}) {
  auto it = info.find(key);
  return it == info.end() ? fallback : it->second;
}

// "sifive,u74-mc" -> "u74mc", "spacemit,x60" -> "x60"; "Spacemit(R) X60" -> "x60".
std::string riscv_uarch(const std::map<std::string, std::string>& info) {
  std::string uarch = value_or(info, "uarch");
  if (!uarch.empty()) {
    auto comma = uarch.find(',');
    std::string model = comma == std::string::npos ? uarch : uarch.substr(comma + 1);
    std::string out;
    for (char c : model)
      if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  std::string model = value_or(info, "model name");
  std::transform(model.begin(), model.end(), model.begin(), [](unsigned char c) { return std::tolower(c); });
  if (model.find("spacemit") != std::string::npos && model.find("x60") != std::string::npos) return "x60";
  return {};
}

// The fields of the first block detection reads for `machine`, as Linux
// writes them (archspec's cpuinfo samples); for a machine without rules, the
// "processor" line every architecture has. Text with none of them is not
// cpuinfo: random bytes that happen to hold a colon would otherwise be
// "detected" as the machine's generic target.
std::vector<std::string_view> expected_fields(const std::string& machine) {
  if (machine == "x86_64") return {"vendor_id", "flags"};
  if (machine == "aarch64") return {"Features", "CPU implementer", "CPU part"};
  if (machine == "ppc64" || machine == "ppc64le") return {"cpu"};
  if (machine == "riscv64") return {"isa", "uarch", "model name", "hart"};
  if (machine == "arm") return {"Features", "CPU implementer", "CPU architecture", "processor"};
  return {"processor"};
}

void require_known_field(const std::map<std::string, std::string>& info, const std::string& machine,
                         const std::string& origin) {
  const auto fields = expected_fields(machine);
  for (auto f : fields)
    if (info.count(std::string(f))) return;
  std::string list;
  for (std::size_t i = 0; i < fields.size(); ++i)
    list += std::string(i == 0 ? "" : i + 1 == fields.size() ? " or " : ", ") + "'" + std::string(fields[i]) + "'";
  throw InputError(origin, "no recognisable cpuinfo field for " + machine + " in the first processor block (expected " +
                               list + "); is this /proc/cpuinfo text of a " + machine + " machine?");
}

}  // namespace

void add_implied_features(std::set<std::string>& features) {
  if (features.count("ssse3")) features.insert("sse3");
}

std::string normalize_machine(std::string_view machine) {
  std::string m(trim(machine));
  if (m == "amd64" || m == "x64") return "x86_64";
  if (m == "arm64") return "aarch64";
  if (m == "powerpc64le") return "ppc64le";
  if (m == "powerpc64") return "ppc64";
  // 32-bit Arm kernels report the ISA version (armv6l, armv7l, armv8l for an
  // aarch64 CPU in 32-bit mode, armv7b): all are archspec's `arm` family.
  if (m.rfind("armv", 0) == 0 || m == "arm") return "arm";
  return m;
}

std::string host_machine() {
  struct utsname u {};
  if (uname(&u) != 0) return "unknown";
  return normalize_machine(u.machine);
}

HostCpu parse_cpuinfo(std::string_view text, std::string_view machine, const Database& db,
                      const std::string& origin) {
  auto info = first_block(text);
  if (info.empty()) throw InputError(origin, "no 'key : value' line found; expected /proc/cpuinfo text");
  HostCpu cpu;
  cpu.machine = normalize_machine(machine);
  require_known_field(info, cpu.machine, origin);
  cpu.model_name = value_or(info, "model name");
  if (cpu.machine == "x86_64") {
    cpu.vendor = value_or(info, "vendor_id", "generic");
    cpu.features = split_words(value_or(info, "flags"));
  } else if (cpu.machine == "aarch64") {
    cpu.features = split_words(value_or(info, "Features"));
    auto code = value_or(info, "CPU implementer");
    if (code.empty())
      cpu.vendor = "generic";
    else
      cpu.vendor = db.arm_vendor(code).value_or(code);
    cpu.cpu_part = value_or(info, "CPU part");
  } else if (cpu.machine == "ppc64" || cpu.machine == "ppc64le") {
    static const std::regex power(R"(POWER(\d+))");
    std::smatch m;
    const std::string line = value_or(info, "cpu");
    // A generation too large for an int is no POWER generation (libFuzzer
    // found the std::out_of_range std::stoi threw): the CPU stays generic.
    int generation = 0;
    if (std::regex_search(line, m, power)) {
      const auto digits = m[1].str();
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), generation);
      if (ec == std::errc() && end == digits.data() + digits.size()) {
        cpu.generation = generation;
        cpu.vendor = "IBM";
      }
    }
  } else if (cpu.machine == "riscv64") {
    cpu.uarch = riscv_uarch(info);
  }
  add_implied_features(cpu.features);
  return cpu;
}

}  // namespace spackext::microarch
