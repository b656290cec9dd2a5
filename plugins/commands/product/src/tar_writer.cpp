#include "tar_writer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <memory>

#include <spackext/atomic_file.hpp>
#include <spackext/errors.hpp>

namespace spackext::product {

namespace fs = std::filesystem;

namespace {

void add_member(::archive* a, const fs::path& folder, const std::string& name, const fs::path& shown) {
  const fs::path path = folder / name;
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) throw Error("cannot read " + path.string());
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname(e.get(), name.c_str());
  archive_entry_set_perm(e.get(), st.st_mode & 0777);
  archive_entry_set_uid(e.get(), 0);
  archive_entry_set_gid(e.get(), 0);
  archive_entry_set_mtime(e.get(), 0, 0);
  std::string link;
  if (S_ISDIR(st.st_mode)) {
    archive_entry_set_filetype(e.get(), AE_IFDIR);
  } else if (S_ISLNK(st.st_mode)) {
    archive_entry_set_filetype(e.get(), AE_IFLNK);
    link = fs::read_symlink(path).string();
    archive_entry_set_symlink(e.get(), link.c_str());
  } else if (S_ISREG(st.st_mode)) {
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_size(e.get(), st.st_size);
  } else {
    throw InputError(path.string(), "only files, folders and links can go into a product");
  }
  if (archive_write_header(a, e.get()) != ARCHIVE_OK)
    throw Error("cannot write " + shown.string() + ": " + archive_error_string(a));
  if (!S_ISREG(st.st_mode)) return;
  std::ifstream in(path, std::ios::binary);
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    const auto n = in.gcount();
    if (n > 0 && archive_write_data(a, buf, static_cast<std::size_t>(n)) != n)
      throw Error("cannot write " + shown.string() + ": " + archive_error_string(a));
  }
}

}  // namespace

void write_tarball(const fs::path& folder, const fs::path& file, const std::vector<std::string>& first) {
  std::vector<std::string> names;
  for (auto it = fs::recursive_directory_iterator(folder); it != fs::recursive_directory_iterator(); ++it) {
    const auto rel = fs::relative(it->path(), folder).string();
    if (std::find(first.begin(), first.end(), rel) == first.end()) names.push_back(rel);
  }
  std::sort(names.begin(), names.end());
  names.insert(names.begin(), first.begin(), first.end());

  try {
    std::unique_ptr<::archive, decltype(&archive_write_free)> a(archive_write_new(), archive_write_free);
    archive_write_set_format_pax_restricted(a.get());
    archive_write_add_filter_gzip(a.get());
    archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr);  // no mtime in the gzip header
    if (archive_write_open_filename(a.get(), file.c_str()) != ARCHIVE_OK)
      throw Error("cannot write " + file.string() + ": " + archive_error_string(a.get()));
    for (const auto& name : names) add_member(a.get(), folder, name, file);
    if (archive_write_close(a.get()) != ARCHIVE_OK)
      throw Error("cannot write " + file.string() + ": " + archive_error_string(a.get()));
    sync_path(file);
  } catch (...) {
    std::error_code ec;
    fs::remove(file, ec);
    throw;
  }
}

}  // namespace spackext::product
