// The SDK's API version and the C++ ABI tag a plugin is built with.
//
// Both are stamped into every plugin's embedded manifest by the compiler that
// builds the plugin (never typed by hand), so the host can refuse a plugin it
// cannot safely load before running any of its code.
#pragma once

#include <string_view>

#define SPACKEXT_API_MAJOR 1
#define SPACKEXT_API_MINOR 0

#define SPACKEXT_STR2_(x) #x
#define SPACKEXT_STR_(x) SPACKEXT_STR2_(x)
#define SPACKEXT_API_VERSION_STRING SPACKEXT_STR_(SPACKEXT_API_MAJOR) "." SPACKEXT_STR_(SPACKEXT_API_MINOR)

// Compiler family: service interfaces are C++ classes, so the vtable layout and
// name mangling of the plugin's compiler must match the host's.
#if defined(__INTEL_LLVM_COMPILER)
#define SPACKEXT_ABI_COMPILER_ "intel-llvm"
#elif defined(__NVCOMPILER)
#define SPACKEXT_ABI_COMPILER_ "nvhpc"
#elif defined(__clang__)
#define SPACKEXT_ABI_COMPILER_ "clang"
#elif defined(__GNUC__)
#define SPACKEXT_ABI_COMPILER_ "gcc"
#else
#define SPACKEXT_ABI_COMPILER_ "unknown"
#endif

// Standard library and, for libstdc++, the dual-ABI flag: std::string and
// std::list change layout between the two, and both cross the boundary.
#include <cstddef>  // defines _GLIBCXX_USE_CXX11_ABI / _LIBCPP_VERSION
#if defined(_LIBCPP_VERSION)
#define SPACKEXT_ABI_STDLIB_ "libc++"
#elif defined(__GLIBCXX__)
#if defined(_GLIBCXX_USE_CXX11_ABI) && _GLIBCXX_USE_CXX11_ABI
#define SPACKEXT_ABI_STDLIB_ "libstdc++-cxx11"
#else
#define SPACKEXT_ABI_STDLIB_ "libstdc++-cxx98"
#endif
#else
#define SPACKEXT_ABI_STDLIB_ "unknown-stdlib"
#endif

#define SPACKEXT_ABI_TAG SPACKEXT_ABI_COMPILER_ "/" SPACKEXT_ABI_STDLIB_

namespace spackext {

inline constexpr int kApiMajor = SPACKEXT_API_MAJOR;
inline constexpr int kApiMinor = SPACKEXT_API_MINOR;
inline constexpr std::string_view kApiVersion = SPACKEXT_API_VERSION_STRING;
inline constexpr std::string_view kAbiTag = SPACKEXT_ABI_TAG;

// The version of the spack-ext release (host and SDK share it).
std::string_view release_version() noexcept;

}  // namespace spackext
