#include "bundles/bundle_reader.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <memory>
#include <set>

#include "bundles/sha256.hpp"
#include "bundles/signature.hpp"
#include "spackext/errors.hpp"

namespace spackext::bundles {
namespace {

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;

std::string kind_of(mode_t type) {
  switch (type) {
    case AE_IFDIR: return "a directory";
    case AE_IFLNK: return "a symbolic link";
    case AE_IFCHR: return "a character device";
    case AE_IFBLK: return "a block device";
    case AE_IFIFO: return "a FIFO";
    case AE_IFSOCK: return "a socket";
    default: return "not a regular file";
  }
}

class Refusal {
 public:
  explicit Refusal(std::string bundle) : bundle_(std::move(bundle)) {}
  [[noreturn]] void operator()(const std::string& why) const { throw InputError(bundle_, "refused: " + why); }

 private:
  std::string bundle_;
};

// Reads the current member's data, at most `limit` bytes: a member that
// decompresses to more is refused as soon as it passes the limit.
std::string read_member(archive* a, std::uint64_t limit, const std::string& name, const Refusal& refuse) {
  std::string data;
  char buf[1 << 16];
  for (;;) {
    la_ssize_t n = archive_read_data(a, buf, sizeof buf);
    if (n < 0) refuse("truncated or corrupt archive while reading '" + name + "': " + archive_error_string(a));
    if (n == 0) return data;
    if (data.size() + static_cast<std::uint64_t>(n) > limit)
      refuse("member '" + name + "' holds more than the " + std::to_string(limit) + " bytes it may have");
    data.append(buf, static_cast<std::size_t>(n));
  }
}

BundleManifest parse_manifest(const std::string& text, const Refusal& refuse) {
  try {
    return BundleManifest::parse(text, kManifestMember);
  } catch (const InputError& e) {
    refuse(e.what());
  }
}

}  // namespace

std::string check_signature(const std::string& where, const std::string& manifest_text,
                            const std::string& signature, const ReadOptions& options) {
  auto refuse = [&](const std::string& why) -> void { throw InputError(where, "refused: " + why); };
  if (signature.empty()) {
    if (!options.allow_unsigned) refuse("the bundle is not signed (pass --allow-unsigned to install it anyway)");
    if (options.warn) options.warn(where + ": not signed; accepted because of --allow-unsigned");
    return {};
  }
  SignatureVerdict v = options.keyring ? options.keyring->verify_detached(manifest_text, signature)
                                       : SignatureVerdict{false, {}, "no trusted keys"};
  if (v.good) return v.signer;
  // A signature that proves tampering is never accepted; an unknown signer is
  // "untrusted", which --allow-unsigned may accept.
  const bool untrusted = v.reason.find("not a trusted publisher") != std::string::npos;
  if (!untrusted || !options.allow_unsigned) refuse(v.reason);
  if (options.warn) options.warn(where + ": " + v.reason + "; accepted because of --allow-unsigned");
  return {};
}

VerifiedBundle read_verified_bundle(const std::filesystem::path& bundle, const ReadOptions& options) {
  const Refusal refuse(bundle.string());
  std::error_code ec;
  if (!std::filesystem::is_regular_file(bundle, ec)) throw InputError(bundle.string(), "no such bundle file");

  ArchivePtr a(archive_read_new(), archive_read_free);
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), bundle.c_str(), 1 << 16) != ARCHIVE_OK)
    refuse(std::string("not a tar.gz or tar.zst archive: ") + archive_error_string(a.get()));

  VerifiedBundle out;
  const ReadLimits& limits = options.limits;
  std::set<std::string> seen;
  bool have_manifest = false;
  std::size_t index = 0;
  archive_entry* entry = nullptr;
  for (;; ++index) {
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) refuse(std::string("truncated or corrupt archive: ") + archive_error_string(a.get()));
    if (index >= limits.max_members + 2) refuse("more than " + std::to_string(limits.max_members) + " members");

    const char* raw = archive_entry_pathname(entry);
    const std::string name = raw ? raw : "";
    // What a member is matters before what it is called: links and devices
    // are refused whatever their name.
    if (archive_entry_hardlink(entry))
      refuse("member '" + name + "' is a hard link (to '" + archive_entry_hardlink(entry) + "'); bundles hold regular files only");
    const mode_t type = archive_entry_filetype(entry);
    if (type != AE_IFREG) {
      std::string what = kind_of(type);
      if (type == AE_IFLNK && archive_entry_symlink(entry))
        what += " (to '" + std::string(archive_entry_symlink(entry)) + "')";
      refuse("member '" + name + "' is " + what + "; bundles hold regular files only");
    }
    if (archive_entry_mode(entry) & (S_ISUID | S_ISGID | S_ISVTX))
      refuse("member '" + name + "' has setuid, setgid or sticky bits");
    if (!seen.insert(name).second) refuse("member '" + name + "' appears twice in the archive");

    if (index == 0) {
      if (name != kManifestMember) refuse(std::string("the first member must be ") + kManifestMember + ", found '" + name + "'");
      out.manifest_text = read_member(a.get(), limits.max_manifest_bytes, name, refuse);
      continue;
    }
    if (index == 1 && name == kSignatureMember) {
      out.signature = read_member(a.get(), limits.max_signature_bytes, name, refuse);
      continue;
    }
    if (!have_manifest) {
      // Nothing from the payload is looked at before the manifest is proven.
      out.signer = check_signature(bundle.string(), out.manifest_text, out.signature, options);
      out.manifest = parse_manifest(out.manifest_text, refuse);
      if (out.manifest.files.size() > limits.max_members)
        refuse("the manifest lists more than " + std::to_string(limits.max_members) + " files");
      if (out.manifest.total_size() > limits.max_total_bytes)
        refuse("the manifest declares " + std::to_string(out.manifest.total_size()) + " bytes, more than the limit of " +
               std::to_string(limits.max_total_bytes));
      have_manifest = true;
    }
    if (auto why = member_path_problem(name); !why.empty()) refuse("member '" + name + "': " + why);
    const BundleFile* declared = out.manifest.find(name);
    if (!declared) refuse("member '" + name + "' is not listed in " + kManifestMember);
    if (archive_entry_size_is_set(entry) && static_cast<std::uint64_t>(archive_entry_size(entry)) != declared->size)
      refuse("member '" + name + "' has " + std::to_string(archive_entry_size(entry)) + " bytes, the manifest says " +
             std::to_string(declared->size));
    std::string data = read_member(a.get(), declared->size, name, refuse);
    if (data.size() != declared->size)
      refuse("member '" + name + "' has " + std::to_string(data.size()) + " bytes, the manifest says " + std::to_string(declared->size));
    if (sha256_hex(data) != declared->sha256) refuse("member '" + name + "': sha256 does not match the manifest");
    out.contents.emplace(name, std::move(data));
  }
  if (index == 0) refuse("empty archive");
  if (!have_manifest) {
    out.signer = check_signature(bundle.string(), out.manifest_text, out.signature, options);
    out.manifest = parse_manifest(out.manifest_text, refuse);
  }
  for (const auto& f : out.manifest.files)
    if (!out.contents.count(f.path)) refuse("'" + f.path + "' is listed in " + kManifestMember + " but missing from the archive");

  // The plugins, judged exactly as the host's catalog would judge the files.
  for (const auto& p : out.manifest.plugins) {
    PluginImageCheck check = options.check_plugin_image(out.contents.at(p.file));
    if (!check.manifest) refuse("plugin '" + p.file + "': " + check.problem);
    const Manifest& m = *check.manifest;
    if (m.name != p.name || m.version.str() != p.version || m.api_version() != p.api_version || m.abi != p.abi)
      refuse("plugin '" + p.file + "' embeds " + m.name + " " + m.version.str() + " (API " + m.api_version() + ", " +
             m.abi + "), the manifest says " + p.name + " " + p.version + " (API " + p.api_version + ", " + p.abi + ")");
    if (!check.problem.empty()) refuse("plugin '" + p.file + "' (" + p.name + " " + p.version + ") cannot run here: " + check.problem);
    try {
      if (Manifest::from_envelope(out.contents.at(p.manifest)).to_json() != m.to_json())
        refuse("'" + p.manifest + "' differs from the manifest embedded in '" + p.file + "'");
    } catch (const ManifestError& e) {
      refuse("'" + p.manifest + "': " + e.what());
    }
  }
  return out;
}

}  // namespace spackext::bundles
