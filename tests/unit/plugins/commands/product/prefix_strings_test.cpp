#include "prefix_strings.hpp"

#include <gtest/gtest.h>

#include <spackext/errors.hpp>
#include <spackext_testing/testing.hpp>

namespace {

namespace fs = std::filesystem;
namespace st = spackext::testing;
using namespace spackext::product;

const std::string kOld = "/opt/spack/linux-x86_64/pkg-1.0-abcdef";

TEST(PrefixStrings, BinaryPrefixBecomesPlaceholderThenShorterPrefix) {
  st::TempDir dir;
  const std::string bytes = std::string("\x7f" "ELF", 4) + std::string(4, '\0') + kOld + "/share/x" + '\0' + kOld + "2" +
                            '\0' + kOld + ':' + "/usr/lib" + '\0';
  st::write_file(dir / "bin", bytes);
  auto found = placeholder_binary_prefixes(dir / "bin", {kOld});
  // "<old>2" is another path that merely starts with the same characters.
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].offset, 8u);
  EXPECT_EQ(found[0].length, kOld.size());
  auto placed = st::read_file(dir / "bin");
  EXPECT_EQ(placed.size(), bytes.size());
  EXPECT_EQ(placed.find(kOld + "/"), std::string::npos);
  EXPECT_EQ(placed.substr(8, kOld.size()), padded_placeholder(kOld.size()));

  write_binary_prefix(dir / "bin", found[0].offset, found[0].length, "/new/pkg");
  auto done = st::read_file(dir / "bin");
  EXPECT_EQ(done.size(), bytes.size());
  EXPECT_EQ(done.substr(8, std::string("/new/pkg/share/x").size() + 1), std::string("/new/pkg/share/x\0", 17));
  // The rest of the old string's room is NUL padding; what follows is untouched.
  EXPECT_EQ(done.substr(8 + kOld.size() + 9, kOld.size() + 1), kOld + "2");
}

TEST(PrefixStrings, PrefixLongerThanTheRoomIsRefused) {
  st::TempDir dir;
  st::write_file(dir / "bin", std::string(4, '\0') + kOld + '\0');
  auto found = placeholder_binary_prefixes(dir / "bin", {kOld});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_THROW(write_binary_prefix(dir / "bin", found[0].offset, found[0].length, std::string(kOld.size() + 1, 'x')),
               spackext::InputError);
  // Not a placeholder there: refused too.
  EXPECT_THROW(write_binary_prefix(dir / "bin", 0, 4, "/x"), spackext::InputError);
}

TEST(PrefixStrings, TextReplacementPrefersTheLongestPrefix) {
  st::TempDir dir;
  st::write_file(dir / "conf", "a=" + kOld + "/lib\nb=" + kOld + "-extra/lib\n");
  EXPECT_TRUE(replace_in_text_file(dir / "conf", {{kOld, "/P/pkg"}, {kOld + "-extra", "/P/extra"}}));
  EXPECT_EQ(st::read_file(dir / "conf"), "a=/P/pkg/lib\nb=/P/extra/lib\n");
  EXPECT_FALSE(replace_in_text_file(dir / "conf", {{kOld, "/P/pkg"}}));
}

}  // namespace
