#include "bundles/signature.hpp"

#include <gpgme.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <clocale>
#include <cstring>
#include <mutex>

#include "spackext/errors.hpp"

namespace spackext::bundles {
namespace fs = std::filesystem;
namespace {

void init_gpgme() {
  static std::once_flag once;
  std::call_once(once, [] {
    gpgme_check_version(nullptr);
    gpgme_set_locale(nullptr, LC_CTYPE, "C");
  });
}

void check(gpgme_error_t err, const std::string& what) {
  if (err) throw Error("gpg: " + what + ": " + gpgme_strerror(err));
}

struct Data {
  gpgme_data_t d = nullptr;
  Data() { check(gpgme_data_new(&d), "cannot allocate a buffer"); }
  explicit Data(const std::string& s) { check(gpgme_data_new_from_mem(&d, s.data(), s.size(), 1), "cannot allocate a buffer"); }
  ~Data() { gpgme_data_release(d); }
  std::string take() {
    std::size_t n = 0;
    char* buf = gpgme_data_release_and_get_mem(d, &n);
    d = nullptr;
    std::string out(buf ? buf : "", n);
    gpgme_free(buf);
    return out;
  }
};

struct Context {
  gpgme_ctx_t ctx = nullptr;
  explicit Context(const std::string& home = {}) {
    init_gpgme();
    check(gpgme_new(&ctx), "cannot create a context");
    gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP);
    gpgme_set_armor(ctx, 1);
    if (!home.empty())
      check(gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP, nullptr, home.c_str()), "cannot use GnuPG home " + home);
  }
  ~Context() { gpgme_release(ctx); }
};

// A private GnuPG home (0700) removed with everything in it. Short path:
// gpg puts sockets in it.
struct TempHome {
  std::string path;
  TempHome() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/spackext-gpg-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw Error("cannot create a temporary GnuPG home: " + std::string(std::strerror(errno)));
    path = tmpl;
  }
  ~TempHome() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::vector<std::string> import(Context& c, const std::string& bytes) {
  Data in(bytes);
  check(gpgme_op_import(c.ctx, in.d), "import failed");
  std::vector<std::string> fprs;
  if (auto r = gpgme_op_import_result(c.ctx))
    for (auto i = r->imports; i; i = i->next)
      if (i->fpr && !i->result) fprs.push_back(i->fpr);
  return fprs;
}

std::string read_all(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) throw InputError(p.string(), "no such file");
  FILE* f = std::fopen(p.c_str(), "rb");
  if (!f) throw InputError(p.string(), std::string("cannot open: ") + std::strerror(errno));
  std::string s;
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) s.append(buf, n);
  std::fclose(f);
  return s;
}

}  // namespace

std::vector<fs::path> trusted_key_files(const std::vector<fs::path>& key_dirs) {
  std::vector<fs::path> files;
  for (const auto& dir : key_dirs) {
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
      if (it->path().extension() == ".asc" && it->path().filename().string().front() != '.' && it->is_regular_file())
        files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct TrustedKeyring::Impl {
  TempHome home;
  Context ctx{home.path};
};

TrustedKeyring::TrustedKeyring(std::vector<fs::path> key_dirs) : key_dirs_(std::move(key_dirs)) {}

TrustedKeyring::~TrustedKeyring() = default;

SignatureVerdict TrustedKeyring::verify_detached(const std::string& text, const std::string& signature) {
  if (!impl_) {
    impl_ = std::make_unique<Impl>();
    for (const auto& file : trusted_key_files(key_dirs_)) import(impl_->ctx, read_all(file));
  }
  SignatureVerdict v;
  Data sig(signature), signed_text(text);
  if (auto err = gpgme_op_verify(impl_->ctx.ctx, sig.d, signed_text.d, nullptr)) {
    v.reason = std::string("not a valid OpenPGP signature: ") + gpgme_strerror(err);
    return v;
  }
  gpgme_verify_result_t r = gpgme_op_verify_result(impl_->ctx.ctx);
  if (!r || !r->signatures) {
    v.reason = "the signature file holds no signature";
    return v;
  }
  for (auto s = r->signatures; s; s = s->next) {
    v.signer = s->fpr ? s->fpr : "";
    switch (gpgme_err_code(s->status)) {
      case GPG_ERR_NO_ERROR:
        // The key is in our keyring, so it is trusted by definition; GnuPG's
        // web-of-trust validity does not apply. Expiry and revocation do.
        if (s->summary & (GPGME_SIGSUM_KEY_REVOKED | GPGME_SIGSUM_KEY_EXPIRED | GPGME_SIGSUM_SIG_EXPIRED)) {
          v.reason = "signed by " + v.signer + ", but the key or signature has expired or been revoked";
          continue;
        }
        v.good = true;
        v.reason.clear();
        return v;
      case GPG_ERR_NO_PUBKEY:
        v.reason = "signed by " + v.signer + ", which is not a trusted publisher (add its key with 'spack-ext plugin trust add KEYFILE')";
        break;
      case GPG_ERR_BAD_SIGNATURE:
        v.reason = "BAD signature: MANIFEST.json was changed after it was signed";
        break;
      default:
        v.reason = std::string("signature not valid: ") + gpgme_strerror(s->status);
    }
  }
  return v;
}

std::vector<PublicKey> read_public_keys(const fs::path& key_file) {
  const std::string bytes = read_all(key_file);
  TempHome home;
  Context ctx(home.path);
  auto fprs = import(ctx, bytes);
  if (fprs.empty()) throw InputError(key_file.string(), "no OpenPGP public key in this file");
  std::vector<PublicKey> keys;
  for (const auto& fpr : fprs) {
    if (std::any_of(keys.begin(), keys.end(), [&](const PublicKey& k) { return k.fingerprint == fpr; })) continue;
    PublicKey k;
    k.fingerprint = fpr;
    gpgme_key_t key = nullptr;
    if (gpgme_get_key(ctx.ctx, fpr.c_str(), &key, 0) == 0) {
      if (key->uids && key->uids->uid) k.uid = key->uids->uid;
      gpgme_key_unref(key);
    }
    Data out;
    check(gpgme_op_export(ctx.ctx, fpr.c_str(), 0, out.d), "cannot export key " + fpr);
    k.armored = out.take();
    keys.push_back(std::move(k));
  }
  return keys;
}

std::string sign_detached(const std::string& text, const std::string& fingerprint) {
  Context ctx;
  gpgme_key_t key = nullptr;
  if (gpgme_get_key(ctx.ctx, fingerprint.c_str(), &key, 1) != 0 || !key)
    throw InputError("--key", "no secret key " + fingerprint + " in your GnuPG keyring");
  auto err = gpgme_signers_add(ctx.ctx, key);
  gpgme_key_unref(key);
  check(err, "cannot use key " + fingerprint);
  Data in(text), out;
  check(gpgme_op_sign(ctx.ctx, in.d, out.d, GPGME_SIG_MODE_DETACH), "signing with " + fingerprint + " failed");
  return out.take();
}

}  // namespace spackext::bundles
