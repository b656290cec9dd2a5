// The parts of the built-in microarchitecture table, one per family group.
// Kept as text so the table stays readable and diffable; parsed lazily.
#pragma once

#include <string_view>

namespace spackext::microarch::tables {

extern const std::string_view kX86;
extern const std::string_view kAarch64;
extern const std::string_view kPower;
extern const std::string_view kRiscv64;
extern const std::string_view kSparc;

}  // namespace spackext::microarch::tables
