// `optimizer` services: CPU microarchitecture detection and compiler flags for
// one family (x86_64, aarch64, ppc64/ppc64le, riscv64) or a vendor's own CPUs.
// All optimizers are consulted, highest priority first: a vendor plugin
// outranks the generic one for the CPUs it knows, and answers nothing for the
// others so the family optimizer does.
//
// Most optimizers need no code of their own: spackext::microarch::TableOptimizer
// implements this interface over the shared database plus an optional table of
// extra targets (see spackext/microarch/table_optimizer.hpp).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/service.hpp"

namespace spackext {

namespace microarch {
class Database;
}

struct CpuDescription {
  std::string machine;  // uname -m spelling: x86_64, aarch64, ppc64le, ...
  std::string cpuinfo;  // /proc/cpuinfo text
  std::string origin;   // where the text came from (a path), for messages
  // Extra features seen another way (x86 CPUID), merged with cpuinfo's.
  std::vector<std::string> extra_features;
  // The base table (--microarch-db, SPACK_ROOT); null: the built-in one.
  std::shared_ptr<const microarch::Database> database;
};

struct MicroarchDetection {
  std::string name;    // archspec name: zen4, neoverse_v2, ...
  std::string vendor;  // GenuineIntel, AuthenticAMD, ARM, IBM, generic, ...
  std::string family;  // x86_64, aarch64, ppc64le, ...
  std::string generic;                 // x86-64 psABI level, Arm ISA level, family root
  std::vector<std::string> features;   // the target's required features
  std::vector<std::string> ancestors;  // parents first
  nlohmann::json details = nlohmann::json::object();  // host facts (part, generation, ...)
};

struct FlagsRequest {
  std::string target;            // microarchitecture name
  std::string compiler;          // gcc, clang, ...
  std::string compiler_version;  // 13.2
  std::shared_ptr<const microarch::Database> database;  // as in CpuDescription
};

struct FlagsAdvice {
  std::string flags;                  // empty: the compiler has no rules for the family
  std::vector<std::string> warnings;
};

class Optimizer : public Service {
 public:
  static constexpr const char* kKind = "optimizer";
  // nullopt when this optimizer does not handle the machine (or, for a
  // vendor optimizer, when the answer is not one of its own targets).
  // Throws spackext::InputError for unusable cpuinfo.
  virtual std::optional<MicroarchDetection> detect(const CpuDescription& cpu) = 0;
  // nullopt when this optimizer does not know the target; throws
  // spackext::InputError for an unsupported compiler/version.
  virtual std::optional<FlagsAdvice> flags(const FlagsRequest& request) = 0;
  // The targets this optimizer answers for, table order.
  virtual std::vector<std::string> targets(
      const std::shared_ptr<const microarch::Database>& base) = 0;
};

}  // namespace spackext
