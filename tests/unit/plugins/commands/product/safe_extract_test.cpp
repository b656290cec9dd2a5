#include "safe_extract.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <gtest/gtest.h>

#include <spackext/errors.hpp>
#include <spackext_testing/testing.hpp>

namespace {

namespace fs = std::filesystem;
namespace st = spackext::testing;
using spackext::product::extract_below;

struct Member {
  std::string name;
  std::string content;      // regular file
  std::string link;         // symbolic link target when set
  std::string hardlink;     // hard link target when set
};

void write_tar(const fs::path& file, const std::vector<Member>& members) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter_gzip(a);
  archive_write_open_filename(a, file.c_str());
  for (const auto& m : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.name.c_str());
    archive_entry_set_perm(e, 0644);
    if (!m.link.empty()) {
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_symlink(e, m.link.c_str());
    } else if (!m.hardlink.empty()) {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_hardlink(e, m.hardlink.c_str());
    } else {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_size(e, static_cast<la_int64_t>(m.content.size()));
    }
    archive_write_header(a, e);
    if (m.link.empty() && m.hardlink.empty()) archive_write_data(a, m.content.data(), m.content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

TEST(SafeExtract, FilesLinksAndHardLinksInside) {
  st::TempDir dir;
  fs::create_directories(dir / "root");
  write_tar(dir / "ok.tar.gz", {{"./a/b.txt", "hi", "", ""}, {"a/c", "", "b.txt", ""}, {"a/d", "", "", "a/b.txt"}});
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
    write_tar(dir / "evil.tar.gz", {m});
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
  write_tar(dir / "t.tar.gz", {{"sub", "", (dir / "elsewhere").string(), ""}, {"sub/file", "x", "", ""}});
  spackext::product::ExtractOptions o;
  o.allow_absolute_links = true;
  extract_below(dir / "t.tar.gz", dir / "root", o);
  EXPECT_FALSE(fs::exists(dir / "elsewhere/file"));
  EXPECT_TRUE(fs::is_directory(fs::symlink_status(dir / "root/sub")));
  EXPECT_EQ(st::read_file(dir / "root/sub/file"), "x");
}

}  // namespace
