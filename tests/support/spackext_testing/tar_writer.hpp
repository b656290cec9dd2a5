// Writes small gzip'd tar archives for tests of what reads them (snapshot
// import, product install, safe extraction): regular files, symbolic and
// hard links, with any member name, including the hostile ones a reader
// must refuse ("../x", "/etc/x"). Header-only; the test links libarchive
// through the code under test.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <string>
#include <vector>

namespace spackext::testing {

struct TarMember {
  std::string name;
  std::string content;   // a regular file's bytes
  std::string symlink;   // when set: a symbolic link to this target
  std::string hardlink;  // when set: a hard link to this member
};

inline void write_tar_gz(const std::filesystem::path& file, const std::vector<TarMember>& members) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter_gzip(a);
  archive_write_open_filename(a, file.c_str());
  for (const auto& m : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.name.c_str());
    archive_entry_set_perm(e, 0644);
    const bool regular = m.symlink.empty() && m.hardlink.empty();
    archive_entry_set_filetype(e, m.symlink.empty() ? AE_IFREG : AE_IFLNK);
    if (!m.symlink.empty()) archive_entry_set_symlink(e, m.symlink.c_str());
    if (!m.hardlink.empty()) archive_entry_set_hardlink(e, m.hardlink.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(regular ? m.content.size() : 0));
    archive_write_header(a, e);
    if (regular) archive_write_data(a, m.content.data(), m.content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

}  // namespace spackext::testing
