// Lua string literals and path expressions for generated module files.
#pragma once

#include <string>

namespace spackext::lmod {

// "text" with Lua escapes.
std::string lua_quote(const std::string& text);

}  // namespace spackext::lmod
