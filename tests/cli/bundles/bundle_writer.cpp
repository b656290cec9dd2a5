#include "bundle_writer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <memory>
#include <stdexcept>

namespace spackext::testing {

std::vector<ArchiveMember> read_members(const std::filesystem::path& bundle) {
  std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), bundle.c_str(), 1 << 16) != ARCHIVE_OK)
    throw std::runtime_error(archive_error_string(a.get()));
  std::vector<ArchiveMember> out;
  archive_entry* e = nullptr;
  while (archive_read_next_header(a.get(), &e) == ARCHIVE_OK) {
    ArchiveMember m;
    m.path = archive_entry_pathname(e);
    m.mode = archive_entry_perm(e);
    char buf[65536];
    for (la_ssize_t n; (n = archive_read_data(a.get(), buf, sizeof buf)) > 0;) m.data.append(buf, static_cast<std::size_t>(n));
    out.push_back(std::move(m));
  }
  return out;
}

void write_members(const std::filesystem::path& bundle, const std::vector<ArchiveMember>& members, bool gzip) {
  std::unique_ptr<archive, int (*)(archive*)> a(archive_write_new(), archive_write_free);
  archive_write_set_format_pax_restricted(a.get());
  gzip ? archive_write_add_filter_gzip(a.get()) : archive_write_add_filter_zstd(a.get());
  if (archive_write_open_filename(a.get(), bundle.c_str()) != ARCHIVE_OK) throw std::runtime_error(archive_error_string(a.get()));
  for (const auto& m : members) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), m.path.c_str());
    archive_entry_set_perm(e.get(), m.mode);
    using T = ArchiveMember::Type;
    switch (m.type) {
      case T::file: archive_entry_set_filetype(e.get(), AE_IFREG); break;
      case T::directory: archive_entry_set_filetype(e.get(), AE_IFDIR); break;
      case T::symlink:
        archive_entry_set_filetype(e.get(), AE_IFLNK);
        archive_entry_set_symlink(e.get(), m.link.c_str());
        break;
      case T::hardlink:
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_hardlink(e.get(), m.link.c_str());
        break;
      case T::char_device:
        archive_entry_set_filetype(e.get(), AE_IFCHR);
        archive_entry_set_rdev(e.get(), makedev(1, 3));
        break;
      case T::fifo: archive_entry_set_filetype(e.get(), AE_IFIFO); break;
    }
    const bool has_data = m.type == T::file;
    archive_entry_set_size(e.get(), has_data ? (m.declared_size >= 0 ? m.declared_size : static_cast<la_int64_t>(m.data.size())) : 0);
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) throw std::runtime_error(archive_error_string(a.get()));
    if (has_data && !m.data.empty()) archive_write_data(a.get(), m.data.data(), m.data.size());
  }
  archive_write_close(a.get());
}

std::string sha256_hex(const std::string& data) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_Digest(data.data(), data.size(), d, &n, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < n; ++i) {
    s.push_back(hex[d[i] >> 4]);
    s.push_back(hex[d[i] & 15]);
  }
  return s;
}

}  // namespace spackext::testing
