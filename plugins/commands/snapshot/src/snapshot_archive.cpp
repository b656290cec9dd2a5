#include "snapshot_archive.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <map>
#include <memory>

#include "spackext/atomic_file.hpp"
#include "spackext/errors.hpp"

namespace spackext::snapshot {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kMaxMember = std::size_t(1) << 30;  // 1 GiB: far above any lockfile or database

void add_member(archive* a, const std::string& name, const std::string& bytes) {
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname(e.get(), name.c_str());
  archive_entry_set_filetype(e.get(), AE_IFREG);
  archive_entry_set_perm(e.get(), 0644);
  archive_entry_set_size(e.get(), static_cast<la_int64_t>(bytes.size()));
  archive_entry_set_mtime(e.get(), 0, 0);
  if (archive_write_header(a, e.get()) != ARCHIVE_OK ||
      archive_write_data(a, bytes.data(), bytes.size()) != static_cast<la_ssize_t>(bytes.size()))
    throw Error(std::string("cannot write the snapshot archive: ") + archive_error_string(a));
}

}  // namespace

void export_snapshot(const SnapshotRecord& r, const SnapshotStore& store, const fs::path& file) {
  // Objects are checked on the way out: a damaged store never exports.
  std::map<std::string, std::string> objects;
  for (const auto* sha : {&r.spack_yaml, &r.spack_lock, &r.install_db})
    if (!sha->empty()) objects[*sha] = store.get(*sha);
  nlohmann::json manifest = r.manifest();
  manifest["id"] = r.id;
  const fs::path temp = temporary_sibling(fs::absolute(file));
  std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(), archive_write_free);
  archive_write_set_format_pax_restricted(a.get());
  archive_write_add_filter_gzip(a.get());
  if (archive_write_open_filename(a.get(), temp.c_str()) != ARCHIVE_OK)
    throw Error("cannot write " + file.string() + ": " + archive_error_string(a.get()));
  try {
    add_member(a.get(), "snapshot.json", manifest.dump(2) + "\n");
    for (const auto& [sha, bytes] : objects) add_member(a.get(), "objects/" + sha, bytes);
    if (archive_write_close(a.get()) != ARCHIVE_OK)
      throw Error(std::string("cannot write the snapshot archive: ") + archive_error_string(a.get()));
  } catch (...) {
    std::error_code ec;
    fs::remove(temp, ec);
    throw;
  }
  sync_path(temp);
  std::error_code ec;
  fs::rename(temp, file, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw Error("cannot write " + file.string() + ": " + ec.message());
  }
}

SnapshotRecord import_snapshot(const fs::path& file, SnapshotStore& store) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw InputError(file.string(), "no such file");
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(a.get());
  archive_read_support_filter_gzip(a.get());
  if (archive_read_open_filename(a.get(), file.c_str(), 65536) != ARCHIVE_OK)
    throw InputError(file.string(), std::string("not a snapshot archive: ") + archive_error_string(a.get()));
  std::string manifest_text;
  std::map<std::string, std::string> objects;
  archive_entry* e = nullptr;
  int rc;
  while ((rc = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    const std::string name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
    const std::string where = file.string() + ": member '" + name + "'";
    if (name.empty() || name[0] == '/') throw InputError(where, "absolute paths are refused");
    for (const auto& part : fs::path(name))
      if (part == "..") throw InputError(where, "'..' in a path is refused");
    if (archive_entry_hardlink(e) || archive_entry_symlink(e) || archive_entry_filetype(e) == AE_IFLNK)
      throw InputError(where, "links are refused");
    if (archive_entry_filetype(e) == AE_IFDIR) continue;
    if (archive_entry_filetype(e) != AE_IFREG) throw InputError(where, "only regular files are accepted");
    const bool is_manifest = name == "snapshot.json";
    const bool is_object = name.rfind("objects/", 0) == 0 && name.size() == 8 + 64;
    if (!is_manifest && !is_object) throw InputError(where, "unexpected member (expected snapshot.json and objects/<sha256>)");
    if (archive_entry_size(e) < 0 || static_cast<std::size_t>(archive_entry_size(e)) > kMaxMember)
      throw InputError(where, "member too large");
    std::string bytes(static_cast<std::size_t>(archive_entry_size(e)), '\0');
    if (archive_read_data(a.get(), bytes.data(), bytes.size()) != static_cast<la_ssize_t>(bytes.size()))
      throw InputError(where, std::string("truncated: ") + archive_error_string(a.get()));
    if (is_manifest) {
      manifest_text = std::move(bytes);
    } else {
      const std::string sha = name.substr(8);
      if (sha256_hex(bytes) != sha) throw InputError(where, "content does not match its checksum");
      objects[sha] = std::move(bytes);
    }
  }
  if (rc != ARCHIVE_EOF) throw InputError(file.string(), std::string("damaged archive: ") + archive_error_string(a.get()));
  if (manifest_text.empty()) throw InputError(file.string(), "no snapshot.json in the archive");
  nlohmann::json manifest = nlohmann::json::parse(manifest_text, nullptr, false);
  if (manifest.is_discarded()) throw InputError(file.string() + ": snapshot.json", "not JSON");
  SnapshotRecord r = SnapshotRecord::from_manifest(manifest, file.string() + ": snapshot.json");
  if (manifest.contains("id") && manifest["id"].is_string()) r.id = manifest["id"].get<std::string>();
  if (r.id != r.compute_id())
    throw InputError(file.string() + ": snapshot.json", "the manifest does not hash to its id " + r.id + " (altered?)");
  for (const auto* sha : {&r.spack_yaml, &r.spack_lock, &r.install_db})
    if (!sha->empty() && !objects.count(*sha)) throw InputError(file.string(), "object " + *sha + " is missing");
  for (const auto& [sha, bytes] : objects) store.put(bytes);
  return r;
}

}  // namespace spackext::snapshot
