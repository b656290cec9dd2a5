// Finding Spack and reading its version from the checkout. The texts are the
// version lines of lib/spack/spack/__init__.py as Spack's releases wrote them.
#include <gtest/gtest.h>

#include <cstdlib>

#include "spack_location.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace t = spackext::testing;
using spackext::health::locate_spack;
using spackext::health::parse_spack_version;

TEST(SpackLocation, ReadsEveryHistoricalVersionSpelling) {
  // 0.20 and later (1.x keeps the same line).
  EXPECT_EQ(parse_spack_version("#: PEP440 canonical <major>.<minor>.<micro>.<devN> string\n"
                                "__version__ = \"0.20.0.dev0\"\nspack_version = __version__\n"),
            "0.20.0.dev0");
  EXPECT_EQ(parse_spack_version("__version__ = \"1.1.0\"\n"), "1.1.0");
  // 0.16/0.17: an integer tuple.
  EXPECT_EQ(parse_spack_version("#: major, minor, patch version for Spack, in a tuple\n"
                                "spack_version_info = (0, 16, 2)\n"),
            "0.16.2");
  // 0.18 development: strings with a pre-release tag.
  EXPECT_EQ(parse_spack_version("spack_version_info = ('0', '18', '0', 'dev')\n"), "0.18.0-dev");
  EXPECT_EQ(parse_spack_version("print('hello')\n"), "");
}

TEST(SpackLocation, SpackRootWinsAndItsVersionIsRead) {
  t::TempDir root;
  t::write_file(root / "lib/spack/spack/__init__.py", "__version__ = \"1.1.0\"\n");
  const char* old = std::getenv("SPACK_ROOT");
  std::string saved = old ? old : "";
  ::setenv("SPACK_ROOT", root.path().c_str(), 1);
  auto loc = locate_spack();
  if (old) ::setenv("SPACK_ROOT", saved.c_str(), 1); else ::unsetenv("SPACK_ROOT");
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc->root, root.path());
  EXPECT_EQ(loc->found_by, "SPACK_ROOT");
  EXPECT_EQ(loc->version, "1.1.0");
}

}  // namespace
