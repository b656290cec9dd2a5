// `optimizer` services: CPU microarchitecture detection and compiler flags for
// one family (x86_64, aarch64, ppc64le, riscv64) or a vendor's own CPUs. All
// optimizers are consulted, highest priority first: a vendor plugin outranks
// the generic one for the CPUs it knows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/service.hpp"

namespace spackext {

struct CpuDescription {
  std::string machine;  // uname -m spelling: x86_64, aarch64, ppc64le, ...
  std::string cpuinfo;  // /proc/cpuinfo text
};

struct MicroarchDetection {
  std::string name;    // archspec name: zen4, neoverse_v2, ...
  std::string vendor;  // GenuineIntel, AuthenticAMD, ARM, IBM, generic, ...
  std::string family;  // x86_64, aarch64, ppc64le, ...
  nlohmann::json details = nlohmann::json::object();  // generic level, features, ancestry
};

struct FlagsRequest {
  std::string target;            // microarchitecture name
  std::string compiler;          // gcc, clang, ...
  std::string compiler_version;  // 13.2
};

class Optimizer : public Service {
 public:
  static constexpr const char* kKind = "optimizer";
  // nullopt when this optimizer does not handle the machine.
  virtual std::optional<MicroarchDetection> detect(const CpuDescription& cpu) = 0;
  // nullopt when this optimizer does not know the target; throws
  // spackext::InputError for an unsupported compiler/version.
  virtual std::optional<std::string> flags(const FlagsRequest& request) = 0;
};

}  // namespace spackext
