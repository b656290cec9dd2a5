// "gcc@13.2" as given to --compiler.
#pragma once

#include <string>
#include <string_view>

namespace spackext::optimize {

struct CompilerSpec {
  std::string name;
  std::string version;
  std::string str() const { return name + "@" + version; }
};

// Throws InputError naming `option` unless the text is NAME@VERSION with a
// version of digits and dots.
CompilerSpec parse_compiler_spec(std::string_view text, const std::string& option = "--compiler");

}  // namespace spackext::optimize
