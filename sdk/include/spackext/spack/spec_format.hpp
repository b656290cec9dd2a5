// Spack's `Spec.format()` for the tokens projections and module names use:
// {name} {version} {@version} {hash} {hash:N} {/hash} {/hash:N} {namespace}
// {compiler} {compiler.name} {compiler.version} {%compiler.name}
// {architecture} {architecture.platform} {architecture.os}
// {architecture.target} {platform} {os} {target} {prefix}.
// A spec without a compiler renders {compiler.name}/{compiler.version} as
// "none", as Spack 1.x does.
#pragma once

#include <functional>
#include <string>

#include "spackext/spack/concrete_spec.hpp"

namespace spackext::spack {

struct SpecFormatOptions {
  std::string prefix;  // what {prefix} expands to
  // Applied to each expanded token (Spack upper-cases tokens in environment
  // variable names); literal text is left alone.
  std::function<std::string(std::string)> transform;
};

// Throws spackext::InputError naming `fmt` for an unknown or unclosed token.
std::string format_spec(const ConcreteSpec& spec, const std::string& fmt, const SpecFormatOptions& options = {});

}  // namespace spackext::spack
