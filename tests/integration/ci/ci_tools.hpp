// The real CI tools the integration tests check generated pipelines with,
// from the project's tools folder (tests/services/ci-tools/install.sh puts
// them there). A test skips, naming the script, when a tool is absent.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "spackext_testing/testing.hpp"

namespace ci_test {

namespace fs = std::filesystem;

inline fs::path tools_dir() {
  if (const char* d = std::getenv("SPACKEXT_TOOLS_DIR")) return d;
  return fs::path(std::getenv("HOME") ? std::getenv("HOME") : "/") / ".cache/spack-ext/test-tools";
}

inline fs::path node_modules() { return tools_dir() / "node_modules"; }

#define CI_REQUIRE_TOOL(var, relative)                                                              \
  const auto var = ::ci_test::node_modules() / (relative);                                          \
  if (!std::filesystem::exists(var))                                                                \
  GTEST_SKIP() << var << " not found: run tests/services/ci-tools/install.sh (or scripts/test.sh)"

}  // namespace ci_test
