#include "buildcache/gpg.hpp"

#include <gpgme.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

#include <spackext/errors.hpp>

namespace spackext::buildcache {

namespace {

void init_gpgme() {
  static std::once_flag once;
  std::call_once(once, [] {
    gpgme_check_version(nullptr);
    gpgme_set_locale(nullptr, LC_CTYPE, "C");
  });
}

std::string gpg_text(gpgme_error_t err) { return gpgme_strerror(err); }

void check(gpgme_error_t err, const std::string& what) {
  if (err) throw Error("gpg: " + what + ": " + gpg_text(err));
}

struct Data {
  gpgme_data_t d = nullptr;
  Data() { check(gpgme_data_new(&d), "data"); }
  explicit Data(const std::string& s) {
    check(gpgme_data_new_from_mem(&d, s.data(), s.size(), 1), "data");
  }
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

}  // namespace

struct Keyring::Impl {
  gpgme_ctx_t ctx = nullptr;
  std::string home;
  ~Impl() { gpgme_release(ctx); }
};

std::filesystem::path default_keyring(const std::filesystem::path& fallback) {
  if (const char* g = std::getenv("GNUPGHOME"); g && *g) return g;
  return fallback;
}

Keyring::Keyring(std::optional<std::filesystem::path> home) : impl_(std::make_unique<Impl>()) {
  init_gpgme();
  check(gpgme_new(&impl_->ctx), "cannot create a context");
  gpgme_set_protocol(impl_->ctx, GPGME_PROTOCOL_OpenPGP);
  gpgme_set_armor(impl_->ctx, 1);
  if (home) {
    std::error_code ec;
    if (!std::filesystem::exists(*home)) {
      std::filesystem::create_directories(*home, ec);
      ::chmod(home->c_str(), 0700);  // gpg refuses homes others can read
    }
    impl_->home = home->string();
    check(gpgme_ctx_set_engine_info(impl_->ctx, GPGME_PROTOCOL_OpenPGP, nullptr, impl_->home.c_str()),
          "cannot use keyring " + impl_->home);
  }
}

Keyring::~Keyring() = default;

SignatureCheck Keyring::verify_clearsigned(const std::string& text) {
  SignatureCheck out;
  Data sig(text), plain;
  auto err = gpgme_op_verify(impl_->ctx, sig.d, nullptr, plain.d);
  out.payload = plain.take();
  if (err) {
    out.reason = gpg_text(err);
    return out;
  }
  gpgme_verify_result_t r = gpgme_op_verify_result(impl_->ctx);
  if (!r || !r->signatures) {
    out.reason = "no signature found";
    return out;
  }
  for (auto s = r->signatures; s; s = s->next) {
    out.fingerprint = s->fpr ? s->fpr : "";
    auto code = gpgme_err_code(s->status);
    if (code == GPG_ERR_NO_ERROR) {
      // Same acceptance as `gpg --verify` exiting 0 (Spack's check): a good
      // signature by a key in the keyring, even if not certified.
      if (s->summary & (GPGME_SIGSUM_KEY_REVOKED | GPGME_SIGSUM_KEY_EXPIRED | GPGME_SIGSUM_SIG_EXPIRED)) {
        out.reason = "signature or key expired or revoked";
        return out;
      }
      out.good = true;
      out.reason.clear();
      return out;
    }
    out.reason = code == GPG_ERR_NO_PUBKEY ? "no public key " + out.fingerprint + " in the keyring"
                 : code == GPG_ERR_BAD_SIGNATURE ? "BAD signature (content changed after signing)"
                                                 : gpg_text(s->status);
  }
  return out;
}

std::string Keyring::clearsign(const std::string& text, const std::string& fingerprint) {
  gpgme_signers_clear(impl_->ctx);
  if (!fingerprint.empty()) {
    gpgme_key_t key = nullptr;
    check(gpgme_get_key(impl_->ctx, fingerprint.c_str(), &key, 1), "no secret key " + fingerprint);
    auto err = gpgme_signers_add(impl_->ctx, key);
    gpgme_key_unref(key);
    check(err, "cannot use key " + fingerprint);
  }
  Data in(text), out;
  check(gpgme_op_sign(impl_->ctx, in.d, out.d, GPGME_SIG_MODE_CLEAR), "signing failed");
  return out.take();
}

std::vector<std::string> Keyring::import_keys(const std::string& armored) {
  Data in(armored);
  check(gpgme_op_import(impl_->ctx, in.d), "import failed");
  gpgme_import_result_t r = gpgme_op_import_result(impl_->ctx);
  std::vector<std::string> fprs;
  if (r)
    for (auto i = r->imports; i; i = i->next)
      if (i->fpr && !i->result) fprs.push_back(i->fpr);
  if (fprs.empty()) throw Error("gpg: no key could be imported");
  return fprs;
}

std::string Keyring::export_public(const std::string& fingerprint) {
  Data out;
  check(gpgme_op_export(impl_->ctx, fingerprint.c_str(), 0, out.d), "export failed");
  auto text = out.take();
  if (text.empty()) throw Error("gpg: no public key " + fingerprint + " in the keyring");
  return text;
}

std::vector<KeyInfo> Keyring::list(bool secret) {
  std::vector<KeyInfo> out;
  check(gpgme_op_keylist_start(impl_->ctx, nullptr, secret ? 1 : 0), "cannot list keys");
  gpgme_key_t key = nullptr;
  while (gpgme_op_keylist_next(impl_->ctx, &key) == 0) {
    KeyInfo k;
    k.fingerprint = key->fpr ? key->fpr : "";
    k.uid = key->uids && key->uids->uid ? key->uids->uid : "";
    k.secret = key->secret;
    k.can_sign = key->can_sign;
    out.push_back(std::move(k));
    gpgme_key_unref(key);
  }
  gpgme_op_keylist_end(impl_->ctx);
  return out;
}

void Keyring::set_ultimate_trust(const std::string& fingerprint) {
  gpgme_key_t key = nullptr;
  check(gpgme_get_key(impl_->ctx, fingerprint.c_str(), &key, 0), "no key " + fingerprint);
  Data out;
  int step = 0;
  auto err = gpgme_op_interact(
      impl_->ctx, key, 0,
      [](void* handle, const char* status, const char* args, int fd) -> gpgme_error_t {
        // Prompts arrive as GET_LINE/GET_BOOL with the prompt's name in `args`.
        std::string_view st = status ? status : "";
        if (fd < 0 || (st != "GET_LINE" && st != "GET_BOOL")) return 0;
        std::string_view k = args ? args : "";
        const char* answer = "";
        if (k == "keyedit.prompt") {
          int& step = *static_cast<int*>(handle);  // first "trust", then "quit"
          answer = (step++ == 0) ? "trust" : "quit";
        } else if (k == "edit_ownertrust.value") {
          answer = "5";
        } else if (k == "edit_ownertrust.set_ultimate.okay" || k == "keyedit.save.okay") {
          answer = "y";
        } else {
          return gpg_error(GPG_ERR_CANCELED);  // a prompt we do not know: never loop on it
        }
        {
          gpgme_io_writen(fd, answer, std::strlen(answer));
          gpgme_io_writen(fd, "\n", 1);
        }
        return 0;
      },
      &step, out.d);
  gpgme_key_unref(key);
  check(err, "cannot set trust of " + fingerprint);
}

}  // namespace spackext::buildcache
