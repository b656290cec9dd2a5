#include "buildcache/gzip.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include <spackext/errors.hpp>

namespace spackext::buildcache {

std::string gunzip(std::string_view compressed, const std::string& what) {
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_raw(a.get());
  if (archive_read_open_memory(a.get(), compressed.data(), compressed.size()) != ARCHIVE_OK)
    throw Error(what + ": not gzip data: " + archive_error_string(a.get()));
  archive_entry* entry = nullptr;
  if (archive_read_next_header(a.get(), &entry) != ARCHIVE_OK ||
      archive_filter_code(a.get(), 0) != ARCHIVE_FILTER_GZIP)
    throw Error(what + ": not gzip data");
  std::string out;
  char buf[65536];
  for (;;) {
    la_ssize_t n = archive_read_data(a.get(), buf, sizeof buf);
    if (n < 0) throw Error(what + ": corrupt gzip data: " + archive_error_string(a.get()));
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

std::string gzip(std::string_view data) {
  std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(), archive_write_free);
  archive_write_add_filter_gzip(a.get());
  archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr);  // mtime 0
  archive_write_set_filter_option(a.get(), "gzip", "compression-level", "6");
  archive_write_set_format_raw(a.get());
  archive_write_set_bytes_in_last_block(a.get(), 1);
  std::string out;
  auto writer = [](archive*, void* ctx, const void* buf, size_t n) -> la_ssize_t {
    static_cast<std::string*>(ctx)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  };
  if (archive_write_open(a.get(), &out, nullptr, writer, nullptr) != ARCHIVE_OK)
    throw Error(std::string("gzip: ") + archive_error_string(a.get()));
  archive_entry* e = archive_entry_new();
  archive_entry_set_filetype(e, AE_IFREG);
  archive_write_header(a.get(), e);
  archive_entry_free(e);
  if (archive_write_data(a.get(), data.data(), data.size()) < 0)
    throw Error(std::string("gzip: ") + archive_error_string(a.get()));
  archive_write_close(a.get());
  return out;
}

}  // namespace spackext::buildcache
