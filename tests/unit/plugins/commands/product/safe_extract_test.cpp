#include "safe_extract.hpp"

#include <gtest/gtest.h>

#include <spackext/errors.hpp>
#include <spackext_testing/tar_writer.hpp>
#include <spackext_testing/testing.hpp>

namespace {

namespace fs = std::filesystem;
namespace st = spackext::testing;
using spackext::product::extract_below;

using Member = st::TarMember;
using st::write_tar_gz;

TEST(SafeExtract, FilesLinksAndHardLinksInside) {
  st::TempDir dir;
  fs::create_directories(dir / "root");
  write_tar_gz(dir / "ok.tar.gz", {{"./a/b.txt", "hi", "", ""}, {"a/c", "", "b.txt", ""}, {"a/d", "", "", "a/b.txt"}});
  extract_below(dir / "ok.tar.gz", dir / "root");
  EXPECT_EQ(st::read_file(dir / "root/a/b.txt"), "hi");
  EXPECT_EQ(fs::read_symlink(dir / "root/a/c"), "b.txt");
  EXPECT_EQ(st::read_file(dir / "root/a/d"), "hi");
}

TEST(SafeExtract, EscapesAreRefusedBeforeWriting) {
  st::TempDir dir;
  const std::vector<Member> evil = {{"../out", "x", "", ""},   {"/abs", "x", "", ""},
                                    {"a/../../out", "x", "", ""}, {"l", "", "../out", ""},
                                    {"l", "", "/etc", ""},     {"h", "", "", "../out"}};
  for (const auto& m : evil) {
    fs::remove_all(dir / "root");
    fs::create_directories(dir / "root");
    write_tar_gz(dir / "evil.tar.gz", {m});
    EXPECT_THROW(extract_below(dir / "evil.tar.gz", dir / "root"), spackext::InputError) << m.name;
    EXPECT_TRUE(fs::is_empty(dir / "root")) << m.name;
    EXPECT_FALSE(fs::exists(dir / "out")) << m.name;
  }
}

TEST(SafeExtract, NoWritingThroughALinkItLaidDown) {
  st::TempDir dir;
  fs::create_directories(dir / "root");
  fs::create_directories(dir / "elsewhere");
  // An absolute link target is allowed here (pack reads Spack tarballs), but
  // a member below the link must not land outside: libarchive replaces the
  // link by a folder (secure symlinks + unlink) instead of following it.
  write_tar_gz(dir / "t.tar.gz", {{"sub", "", (dir / "elsewhere").string(), ""}, {"sub/file", "x", "", ""}});
  spackext::product::ExtractOptions o;
  o.allow_absolute_links = true;
  extract_below(dir / "t.tar.gz", dir / "root", o);
  EXPECT_FALSE(fs::exists(dir / "elsewhere/file"));
  EXPECT_TRUE(fs::is_directory(fs::symlink_status(dir / "root/sub")));
  EXPECT_EQ(st::read_file(dir / "root/sub/file"), "x");
}

}  // namespace
