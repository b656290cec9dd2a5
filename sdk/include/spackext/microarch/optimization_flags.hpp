// Compiler flags that optimize for a target, by archspec's rules: a compiler
// the family root does not list gets no flags; one the target does not list
// is refused naming the nearest ancestor that supports it; otherwise the first
// rule whose version range holds the version wins.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "spackext/errors.hpp"
#include "spackext/microarch/database.hpp"
#include "spackext/services/optimizer.hpp"

namespace spackext::microarch {

// The compiler/version pair cannot optimize for the target (exit 2).
class UnsupportedTarget : public InputError {
 public:
  using InputError::InputError;
};

// `flags` is empty when the family does not know the compiler at all.
// Throws UnsupportedTarget, or InputError for a malformed version.
FlagsAdvice optimization_flags(const Database& db, const Microarchitecture& target,
                               std::string_view compiler, std::string_view version);

}  // namespace spackext::microarch
