// FolderReplacement: the new tree replaces the live folder whole, what is
// carried over keeps its inode, nothing is left beside the folder, an
// uncommitted replacement leaves the live folder untouched, and leftovers of
// a killed run (including a fallback swap killed half-way) are repaired.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "spackext/atomic_folder.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
namespace st = spackext::testing;
using spackext::FolderReplacement;

std::vector<std::string> beside(const fs::path& parent) {
  std::vector<std::string> out;
  for (auto& e : fs::directory_iterator(parent)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(FolderReplacement, ReplacesTheTreeAndCarriesOverByHardLink) {
  st::TempDir dir;
  const fs::path live = dir / "tree";
  st::write_file(live / "keep/a", "a\n");
  st::write_file(live / "change/b", "old b\n");
  st::write_file(live / "gone/c", "c\n");
  struct stat before {};
  ASSERT_EQ(::stat((live / "keep/a").c_str(), &before), 0);
  {
    FolderReplacement r(live);
    r.stage([](const fs::path& rel) { return rel != "gone"; });
    r.write("change/b", "new b\n");
    r.write("new/d", "d\n");
    // The live tree is untouched until the commit: `change/b` was carried
    // over as a hard link and write() must not write through it.
    EXPECT_EQ(st::read_file(live / "change/b"), "old b\n");
    r.commit();
  }
  EXPECT_EQ(st::read_file(live / "keep/a"), "a\n");
  EXPECT_EQ(st::read_file(live / "change/b"), "new b\n");
  EXPECT_EQ(st::read_file(live / "new/d"), "d\n");
  EXPECT_FALSE(fs::exists(live / "gone"));
  struct stat after {};
  ASSERT_EQ(::stat((live / "keep/a").c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(beside(dir.path()), std::vector<std::string>{"tree"});
}

TEST(FolderReplacement, UncommittedLeavesTheFolderAsItWas) {
  st::TempDir dir;
  st::write_file(dir / "tree/a", "a\n");
  {
    FolderReplacement r(dir / "tree");
    r.stage();
    r.write("a", "changed\n");
    r.remove("a");
  }
  EXPECT_EQ(st::read_file(dir / "tree/a"), "a\n");
  EXPECT_EQ(beside(dir.path()), std::vector<std::string>{"tree"});
}

TEST(FolderReplacement, CreatesAFolderThatDoesNotExist) {
  st::TempDir dir;
  FolderReplacement r(dir / "sub/tree");
  r.stage();
  r.write("x/y", "y\n");
  r.commit();
  EXPECT_EQ(st::read_file(dir / "sub/tree/x/y"), "y\n");
}

TEST(FolderReplacement, SweepsWhatAKilledRunLeft) {
  st::TempDir dir;
  st::write_file(dir / "tree/a", "a\n");
  // A staging tree of a run killed before its swap, and the old tree of a
  // fallback swap killed between its two renames (no live folder).
  st::write_file(dir / ".tree.spack-ext-new-1-2/a", "half\n");
  FolderReplacement(dir / "tree");
  EXPECT_EQ(beside(dir.path()), std::vector<std::string>{"tree"});
  fs::rename(dir / "tree", dir / ".tree.spack-ext-old-3-4");
  FolderReplacement(dir / "tree");
  EXPECT_EQ(st::read_file(dir / "tree/a"), "a\n");
  EXPECT_EQ(beside(dir.path()), std::vector<std::string>{"tree"});
}

TEST(FolderReplacement, SaysWhyAFolderCannotBeSwapped) {
  st::TempDir dir;
  EXPECT_FALSE(FolderReplacement::unavailable_reason(dir / "tree"));
  EXPECT_TRUE(FolderReplacement::unavailable_reason("/"));
  // A mount point (or, for an unprivileged user, one below an unwritable /).
  if (fs::exists("/proc/self")) EXPECT_TRUE(FolderReplacement::unavailable_reason("/proc"));
}

}  // namespace
