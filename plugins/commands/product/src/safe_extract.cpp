#include "safe_extract.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <memory>

#include <spackext/errors.hpp>

#include "product_manifest.hpp"

namespace spackext::product {

namespace fs = std::filesystem;

namespace {

// "./a/b/" -> "a/b": tar writers differ in how they spell a member name.
std::string normal_name(std::string name) {
  while (name.rfind("./", 0) == 0) name.erase(0, 2);
  while (!name.empty() && name.back() == '/') name.pop_back();
  return name;
}

// Does `target`, read relative to the folder holding `link` (both below the
// root), stay below the root?
bool link_stays_inside(const std::string& link, const std::string& target) {
  fs::path resolved = (fs::path(link).parent_path() / target).lexically_normal();
  const std::string s = resolved.string();
  return !s.empty() && s != ".." && s.rfind("../", 0) != 0 && resolved.is_relative();
}

}  // namespace

std::string read_member_data(::archive* a, const std::string& where) {
  std::string out;
  char buf[1 << 16];
  for (;;) {
    la_ssize_t n = archive_read_data(a, buf, sizeof buf);
    if (n < 0) throw InputError(where, std::string("truncated or corrupt archive: ") + archive_error_string(a));
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

void extract_below(const fs::path& archive_file, const fs::path& root_in, const ExtractOptions& options) {
  const fs::path root = fs::canonical(root_in);  // no link above the members can redirect them
  std::unique_ptr<::archive, decltype(&archive_read_free)> in(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(in.get());
  archive_read_support_filter_gzip(in.get());
  const std::string where = archive_file.string();
  if (archive_read_open_filename(in.get(), archive_file.c_str(), 1 << 16) != ARCHIVE_OK)
    throw InputError(where, std::string("cannot read: ") + archive_error_string(in.get()));
  std::unique_ptr<::archive, decltype(&archive_write_free)> out(archive_write_disk_new(), archive_write_free);
  // No owner or set-id bits from the archive; never write through a link.
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                                ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_UNLINK);
  archive_entry* e = nullptr;
  std::size_t members = 0;
  for (;;) {
    int rc = archive_read_next_header(in.get(), &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) throw InputError(where, std::string("truncated or corrupt archive: ") + archive_error_string(in.get()));
    ++members;
    const char* raw = archive_entry_pathname(e);
    const std::string original = raw ? raw : "";
    const std::string at = where + ": member '" + original + "'";
    if (!original.empty() && original.front() == '/') throw InputError(at, "absolute member names are refused");
    const std::string name = normal_name(original);
    if (name.empty()) continue;  // the archive's own "./"
    if (!is_safe_relative(name)) throw InputError(at, "'..' or empty parts in a member name are refused");
    const mode_t type = archive_entry_filetype(e);
    if (const char* hard = archive_entry_hardlink(e)) {
      const std::string target = normal_name(hard);
      if (!is_safe_relative(target)) throw InputError(at, "hard link to '" + std::string(hard) + "' leaves the target folder");
      archive_entry_set_hardlink(e, (root / target).c_str());
    } else if (type == AE_IFLNK) {
      const char* t = archive_entry_symlink(e);
      const std::string target = t ? t : "";
      if (target.empty()) throw InputError(at, "symbolic link without a target");
      if (target.front() == '/') {
        if (!options.allow_absolute_links) throw InputError(at, "symbolic link to the absolute path '" + target + "' is refused");
      } else if (!link_stays_inside(name, target)) {
        throw InputError(at, "symbolic link to '" + target + "' leaves the target folder");
      }
    } else if (type != AE_IFREG && type != AE_IFDIR) {
      throw InputError(at, "devices, fifos and sockets are refused");
    }
    archive_entry_set_perm(e, archive_entry_perm(e) & 0777);
    if (options.intercept && !options.intercept(name, in.get())) continue;
    archive_entry_set_pathname(e, (root / name).c_str());
    if (archive_write_header(out.get(), e) < ARCHIVE_WARN)
      throw Error("cannot write " + (root / name).string() + ": " + archive_error_string(out.get()));
    if (type == AE_IFREG && archive_entry_size(e) > 0) {
      const void* block = nullptr;
      size_t size = 0;
      la_int64_t offset = 0;
      for (;;) {
        int r = archive_read_data_block(in.get(), &block, &size, &offset);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) throw InputError(at, std::string("truncated or corrupt archive: ") + archive_error_string(in.get()));
        if (archive_write_data_block(out.get(), block, size, offset) < ARCHIVE_WARN)
          throw Error("cannot write " + (root / name).string() + ": " + archive_error_string(out.get()));
      }
    }
    if (archive_write_finish_entry(out.get()) < ARCHIVE_WARN)
      throw Error("cannot write " + (root / name).string() + ": " + archive_error_string(out.get()));
  }
  if (archive_write_close(out.get()) != ARCHIVE_OK)
    throw Error("cannot finish writing below " + root.string() + ": " + archive_error_string(out.get()));
  if (members == 0) throw InputError(where, "empty archive");
}

}  // namespace spackext::product
