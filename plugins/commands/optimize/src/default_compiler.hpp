// The compiler `optimize recommend` assumes when none is given: the one a
// build on this machine would get ($CC if it names gcc or clang, else the
// first of gcc, clang on PATH), asked for its version.
#pragma once

#include <optional>
#include <string>

#include "compiler_spec.hpp"

namespace spackext::optimize {

struct FoundCompiler {
  CompilerSpec spec;
  std::string path;  // the executable that answered
};

// nullopt when no known compiler answers.
std::optional<FoundCompiler> find_default_compiler();

}  // namespace spackext::optimize
