#include "compiler_spec.hpp"

#include <spackext/errors.hpp>
#include <spackext/microarch/compiler_version.hpp>

namespace spackext::optimize {

CompilerSpec parse_compiler_spec(std::string_view text, const std::string& option) {
  const auto at = text.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == text.size())
    throw InputError(option, "expected NAME@VERSION (like gcc@13.2), got '" + std::string(text) + "'");
  CompilerSpec spec{std::string(text.substr(0, at)), std::string(text.substr(at + 1))};
  if (!microarch::parse_version(spec.version))
    throw InputError(option, "malformed version '" + spec.version +
                                 "' in '" + std::string(text) + "': expected numbers separated by dots, like 13.2");
  return spec;
}

}  // namespace spackext::optimize
