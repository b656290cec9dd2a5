#include "bundles/bundle_verify.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "bundles/sha256.hpp"
#include "bundles/signature.hpp"
#include "bundles/signature_cache.hpp"
#include "spackext/errors.hpp"

namespace spackext::bundles {
namespace fs = std::filesystem;
namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

}  // namespace

InstalledCheck verify_installed(const fs::path& folder, TrustedKeyring& keyring, SignatureCache* cache) {
  InstalledCheck c;
  c.folder = folder;
  c.name = folder.filename().string();
  const std::string manifest_text = slurp(folder / kManifestMember);
  std::error_code ec;
  const bool has_sig = fs::exists(folder / kSignatureMember, ec);
  const std::string signature = has_sig ? slurp(folder / kSignatureMember) : std::string();

  std::vector<std::string> notes;
  ReadOptions rules;
  rules.keyring = &keyring;
  rules.allow_unsigned = true;  // how it was installed is not re-litigated; tampering is
  rules.warn = [&](const std::string&) {};
  try {
    if (cache && !signature.empty()) c.signer = cache->signer(manifest_text, signature);
    if (c.signer.empty()) {
      c.signer = check_signature(folder.string(), manifest_text, signature, rules);
      if (cache && !c.signer.empty()) cache->remember(manifest_text, signature, c.signer);
    }
  } catch (const Error& e) {
    c.problems.push_back(std::string(kManifestMember) + ": " + e.what());
    return c;  // nothing else can be trusted
  }
  if (signature.empty()) c.note = "unsigned (installed with --allow-unsigned)";
  else if (c.signer.empty()) c.note = "signed by a publisher that is not trusted";

  BundleManifest m;
  try {
    m = BundleManifest::parse(manifest_text, (folder / kManifestMember).string());
  } catch (const Error& e) {
    c.problems.push_back(e.what());
    return c;
  }
  if (m.name != c.name) c.problems.push_back("installed as '" + c.name + "' but the manifest names '" + m.name + "'");
  c.files = m.files.size();
  for (const auto& f : m.files) {
    const fs::path p = folder / f.path;
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0) {
      c.problems.push_back(f.path + ": missing");
      continue;
    }
    if (!S_ISREG(st.st_mode)) {
      c.problems.push_back(f.path + ": no longer a regular file");
      continue;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH | S_ISUID | S_ISGID)) c.problems.push_back(f.path + ": mode changed to " + octal(st.st_mode));
    if (static_cast<std::uint64_t>(st.st_size) != f.size) {
      c.problems.push_back(f.path + ": size changed (" + std::to_string(st.st_size) + " bytes, expected " + std::to_string(f.size) + ")");
      continue;
    }
    if (sha256_file(p) != f.sha256) c.problems.push_back(f.path + ": content changed (sha256 differs)");
  }
  // Anything added since the install.
  std::set<std::string> expected{kManifestMember, kSignatureMember};
  for (const auto& f : m.files) {
    expected.insert(f.path);
    for (auto slash = f.path.find('/'); slash != std::string::npos; slash = f.path.find('/', slash + 1))
      expected.insert(f.path.substr(0, slash));
  }
  for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    auto rel = fs::relative(it->path(), folder, ec).generic_string();
    if (!expected.count(rel)) {
      c.problems.push_back(rel + ": not part of the bundle");
      if (it->is_directory() && !it->is_symlink()) it.disable_recursion_pending();
    }
  }
  return c;
}

}  // namespace spackext::bundles
