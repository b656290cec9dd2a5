// The folder walk under the file:// store's listing: every regular file once,
// links to files as files, links to folders never followed, folders larger
// than one getdents buffer, and the skip that keeps temp files (and what is
// in a skipped folder) out. Expectations are the tree the test made.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include <spackext/errors.hpp>
#include <spackext_testing/testing.hpp>

#include "folder_walk.hpp"

namespace spackext::mirrors {
namespace {

namespace fs = std::filesystem;
using spackext::testing::TempDir;

void write(const fs::path& p, std::string_view text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

std::vector<std::string> walked(const fs::path& root, std::function<bool(const WalkedEntry&)> skip = nullptr) {
  std::vector<std::string> out;
  if (!skip) skip = [](const WalkedEntry&) { return false; };
  walk_folder(root.string(), skip, [&](const WalkedEntry& e) {
    EXPECT_TRUE(S_ISREG(e.st->st_mode)) << e.relative;
    EXPECT_EQ(e.relative.substr(e.relative.size() - e.name.size()), e.name);
    out.emplace_back(e.relative);
  });
  std::sort(out.begin(), out.end());
  return out;
}

TEST(FolderWalk, ListsEveryRegularFileByItsRelativePath) {
  TempDir tmp;
  write(tmp.path() / "a.json", "1");
  write(tmp.path() / "v3/manifests/spec/zlib/zlib-1.3-abc.spec.manifest.json", "22");
  write(tmp.path() / "v3/manifests/spec/zlib/zlib-1.2-def.spec.manifest.json", "333");
  fs::create_directories(tmp.path() / "empty/deeper");
  EXPECT_EQ(walked(tmp.path()),
            (std::vector<std::string>{"a.json", "v3/manifests/spec/zlib/zlib-1.2-def.spec.manifest.json",
                                      "v3/manifests/spec/zlib/zlib-1.3-abc.spec.manifest.json"}));
  walk_folder(
      tmp.path().string(), [](const WalkedEntry&) { return false; },
      [](const WalkedEntry& e) {
        if (e.name == "zlib-1.2-def.spec.manifest.json") EXPECT_EQ(e.st->st_size, 3);
      });
}

TEST(FolderWalk, GivesPathsInByteOrder) {
  // As S3 lists keys: "a-b" < "a.json" < "a/x" < "a0" ('-' < '.' < '/' < '0'),
  // whatever order the folder holds them in.
  TempDir tmp;
  for (const char* p : {"a0", "a/x", "a.json", "a-b", "a/b/c", "a/a", "B", "a/b-"}) write(tmp.path() / p, "");
  std::vector<std::string> got;
  walk_folder(
      tmp.path().string(), [](const WalkedEntry&) { return false; },
      [&](const WalkedEntry& e) { got.emplace_back(e.relative); });
  EXPECT_EQ(got, (std::vector<std::string>{"B", "a-b", "a.json", "a/a", "a/b-", "a/b/c", "a/x", "a0"}));
}

TEST(FolderWalk, AWideFolderWalkedByThreadsGivesEveryFileOnceInOrder) {
  // 300 subfolders (more than the split threshold), files between them and
  // below them: the result is the same as a sorted list of what was made.
  TempDir tmp;
  std::vector<std::string> want;
  for (int i = 0; i < 300; ++i) {
    const auto n = std::to_string(i * 7919 % 1000);
    for (const auto& p : {"spec/pkg" + n + "/a-" + n + ".json", "spec/pkg" + n + "/sub/b", "spec/pkg" + n + ".txt"}) {
      write(tmp.path() / p, "");
      want.push_back(p);
    }
  }
  write(tmp.path() / "z-after", "");
  want.push_back("z-after");
  std::sort(want.begin(), want.end());
  std::vector<std::string> got;
  const auto caller = std::this_thread::get_id();
  walk_folder(
      tmp.path().string(), [](const WalkedEntry&) { return false; },
      [&](const WalkedEntry& e) {
        EXPECT_EQ(std::this_thread::get_id(), caller);
        got.emplace_back(e.relative);
      });
  EXPECT_EQ(got, want);
}

TEST(FolderWalk, FollowsLinksToFilesButNotToFolders) {
  TempDir tmp;
  write(tmp.path() / "real/file.txt", "x");
  fs::create_symlink(tmp.path() / "real/file.txt", tmp.path() / "link-to-file");
  fs::create_directory_symlink(tmp.path() / "real", tmp.path() / "link-to-folder");
  fs::create_symlink(tmp.path() / "nowhere", tmp.path() / "dangling");
  fs::create_directory_symlink(tmp.path(), tmp.path() / "real/loop");
  EXPECT_EQ(walked(tmp.path()), (std::vector<std::string>{"link-to-file", "real/file.txt"}));
}

TEST(FolderWalk, ReadsFoldersLargerThanOneBuffer) {
  TempDir tmp;
  // 5,000 names of 100 characters: about 0.6 MB of directory entries.
  std::vector<std::string> want;
  for (int i = 0; i < 5000; ++i) {
    auto name = std::to_string(i) + std::string(100, 'n');
    write(tmp.path() / "big" / name, "");
    want.push_back("big/" + name);
  }
  std::sort(want.begin(), want.end());
  EXPECT_EQ(walked(tmp.path()), want);
}

TEST(FolderWalk, SkippedEntriesAndFoldersAreLeftOut) {
  TempDir tmp;
  write(tmp.path() / "keep/a", "");
  write(tmp.path() / "keep/.tmp-b", "");
  write(tmp.path() / ".tmp-folder/c", "");
  std::vector<std::string> asked;
  const auto got = walked(tmp.path(), [&](const WalkedEntry& e) {
    asked.emplace_back(e.relative);
    return e.name.substr(0, 5) == ".tmp-";
  });
  EXPECT_EQ(got, (std::vector<std::string>{"keep/a"}));
  std::sort(asked.begin(), asked.end());
  EXPECT_EQ(asked, (std::vector<std::string>{".tmp-folder", "keep", "keep/.tmp-b", "keep/a"}));
}

TEST(FolderWalk, AMissingFolderIsNothingAndAFileIsAnError) {
  TempDir tmp;
  EXPECT_TRUE(walked(tmp.path() / "absent").empty());
  write(tmp.path() / "file", "");
  EXPECT_THROW(walked(tmp.path() / "file"), Error);
}

TEST(FolderWalk, AnErrorInTheCallbackLeavesNoDescriptorOpen) {
  TempDir tmp;
  write(tmp.path() / "a/b/c/d", "");
  for (int i = 0; i < 100; ++i) write(tmp.path() / "wide" / std::to_string(i) / "f", "");
  const auto open_fds = [] { return std::distance(fs::directory_iterator("/proc/self/fd"), {}); };
  const auto before = open_fds();
  EXPECT_THROW(walk_folder(
                   tmp.path().string(), [](const WalkedEntry&) { return false; },
                   [](const WalkedEntry& e) {
                     if (e.relative.substr(0, 5) == "wide/") throw Error("stop");  // while the other threads walk
                   }),
               Error);
  EXPECT_EQ(open_fds(), before);
}

}  // namespace
}  // namespace spackext::mirrors
