#include "spackext/version.hpp"

#ifndef SPACKEXT_RELEASE_VERSION
#error "SPACKEXT_RELEASE_VERSION must be defined by the build"
#endif

namespace spackext {

std::string_view release_version() noexcept { return SPACKEXT_RELEASE_VERSION; }

}  // namespace spackext
