#include "bundles/bundle_packer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "bundles/sha256.hpp"
#include "bundles/signature.hpp"
#include "spackext/errors.hpp"

namespace spackext::bundles {
namespace fs = std::filesystem;
namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Error(p.string() + ": cannot read: " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Member {
  std::string path;
  std::string data;
  bool executable = false;
};

// Regular files below `dir`, sorted; links and special files are refused
// (what a bundle installs must be what the publisher saw).
std::vector<Member> collect(const fs::path& dir, const std::function<void(const std::string&)>& note) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto rel = fs::relative(it->path(), dir).generic_string();
    if (it->path().filename().string().front() == '.') {
      if (note) note("skipping hidden " + rel);
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink()) throw InputError(it->path().string(), "symbolic links are not packed; copy the file instead");
    if (it->is_directory()) continue;
    if (!it->is_regular_file()) throw InputError(it->path().string(), "not a regular file");
    found.push_back(it->path());
  }
  if (ec) throw InputError(dir.string(), "cannot read the folder: " + ec.message());
  std::sort(found.begin(), found.end());
  std::vector<Member> out;
  for (const auto& p : found) {
    Member m;
    m.path = fs::relative(p, dir).generic_string();
    if (auto why = member_path_problem(m.path); !why.empty()) throw InputError(p.string(), "cannot be packed: " + why);
    m.data = slurp(p);
    struct stat st;
    m.executable = ::stat(p.c_str(), &st) == 0 && (st.st_mode & S_IXUSR) && m.path.size() > 3 &&
                   m.path.substr(m.path.size() - 3) != ".so";
    out.push_back(std::move(m));
  }
  return out;
}

void write_archive(const fs::path& file, bool gzip, const std::vector<Member>& members) {
  std::unique_ptr<archive, int (*)(archive*)> a(archive_write_new(), archive_write_free);
  archive_write_set_format_pax_restricted(a.get());
  if ((gzip ? archive_write_add_filter_gzip(a.get()) : archive_write_add_filter_zstd(a.get())) != ARCHIVE_OK)
    throw Error(std::string("cannot compress: ") + archive_error_string(a.get()));
  if (archive_write_open_filename(a.get(), file.c_str()) != ARCHIVE_OK)
    throw Error(file.string() + ": cannot write: " + archive_error_string(a.get()));
  std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
  for (const auto& m : members) {
    archive_entry_clear(e.get());
    archive_entry_set_pathname(e.get(), m.path.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), m.executable ? 0755 : 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(m.data.size()));
    archive_entry_set_uname(e.get(), "root");
    archive_entry_set_gname(e.get(), "root");
    archive_entry_set_mtime(e.get(), 0, 0);  // reproducible: same inputs, same bytes
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK ||
        archive_write_data(a.get(), m.data.data(), m.data.size()) != static_cast<la_ssize_t>(m.data.size()))
      throw Error(file.string() + ": cannot write '" + m.path + "': " + archive_error_string(a.get()));
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) throw Error(file.string() + ": cannot finish: " + archive_error_string(a.get()));
}

}  // namespace

BundleManifest pack_bundle(const PackOptions& o) {
  std::error_code ec;
  if (!fs::is_directory(o.source, ec)) throw InputError(o.source.string(), "no such folder");
  if (!valid_bundle_name(o.name))
    throw InputError("", "bundle name '" + o.name + "' is not valid ([a-z0-9][a-z0-9._+-]*, from the output file name or --name)");
  std::vector<Member> members = collect(o.source, o.note);

  BundleManifest manifest;
  manifest.name = o.name;
  manifest.created_by = o.created_by;
  std::vector<Member> sidecars;
  for (const auto& m : members) {
    if (m.path.find('/') != std::string::npos || m.path.size() <= 3 || m.path.substr(m.path.size() - 3) != ".so") continue;
    PluginImageCheck check = o.check_plugin_image(m.data);
    if (!check.manifest) throw InputError((o.source / m.path).string(), "not a spack-ext plugin: " + check.problem);
    if (!check.problem.empty() && o.note) o.note(m.path + ": this host could not load it: " + check.problem);
    BundlePlugin p;
    p.file = m.path;
    p.manifest = m.path.substr(0, m.path.size() - 3) + ".manifest.json";
    p.name = check.manifest->name;
    p.version = check.manifest->version.str();
    p.api_version = check.manifest->api_version();
    p.abi = check.manifest->abi;
    if (std::any_of(members.begin(), members.end(), [&](const Member& x) { return x.path == p.manifest; }))
      throw InputError((o.source / p.manifest).string(), "this name is reserved for the manifest generated from " + p.file);
    sidecars.push_back({p.manifest, check.manifest->to_json().dump(2) + "\n", false});
    manifest.plugins.push_back(std::move(p));
  }
  if (manifest.plugins.empty()) throw InputError(o.source.string(), "no plugin (.so with a spack-ext manifest) at the top of the folder");
  for (auto& s : sidecars) members.push_back(std::move(s));
  std::sort(members.begin(), members.end(), [](const Member& a, const Member& b) { return a.path < b.path; });
  for (const auto& m : members) manifest.files.push_back({m.path, m.data.size(), sha256_hex(m.data), m.executable});

  const std::string text = manifest.dump();
  BundleManifest::parse(text, "generated " + std::string(kManifestMember));  // same rules as install
  std::vector<Member> archive_members{{kManifestMember, text, false}};
  if (!o.key.empty()) archive_members.push_back({kSignatureMember, sign_detached(text, o.key), false});
  for (auto& m : members) archive_members.push_back(std::move(m));

  fs::path out_dir = o.output.has_parent_path() ? o.output.parent_path() : fs::path(".");
  if (!fs::is_directory(out_dir, ec)) throw InputError(o.output.string(), "the folder " + out_dir.string() + " does not exist");
  std::string tmpl = (out_dir / ("." + o.output.filename().string() + ".XXXXXX")).string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw Error(o.output.string() + ": cannot create a temporary file: " + std::strerror(errno));
  ::fchmod(fd, 0644);
  ::close(fd);
  try {
    write_archive(tmpl, o.gzip, archive_members);
    if (::rename(tmpl.c_str(), o.output.c_str()) != 0) throw Error(o.output.string() + ": cannot rename into place: " + std::strerror(errno));
  } catch (...) {
    ::unlink(tmpl.c_str());
    throw;
  }
  return manifest;
}

}  // namespace spackext::bundles
