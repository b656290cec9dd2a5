// A throwaway GnuPG home for a test: short path (the agent socket must fit),
// 0700, and any agent gpg started for it is stopped on destruction.
#pragma once

#include <filesystem>
#include <string>

#include <spackext_testing/testing.hpp>

namespace spackext::buildcache::test {

inline bool have_gpg() { return std::filesystem::exists("/usr/bin/gpg") && std::filesystem::exists("/usr/bin/gpgconf"); }

class GnupgHome {
 public:
  GnupgHome() : tmp_("gpg") {
    path_ = tmp_.path() / "h";
    std::filesystem::create_directory(path_);
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all);
  }
  ~GnupgHome() { spackext::testing::run({"/usr/bin/gpgconf", "--homedir", path_.string(), "--kill", "all"}); }
  const std::filesystem::path& path() const { return path_; }

  // gpg itself imports the key file (setup, independent of the code under test).
  bool import(const std::filesystem::path& key_file) {
    auto r = spackext::testing::run({"/usr/bin/gpg", "--homedir", path_.string(), "--batch", "--import", key_file.string()});
    return r.exit_code == 0;
  }
  // A fresh ed25519 signing key; returns its fingerprint.
  std::string generate_key(const std::string& uid = "CI Throwaway <ci@example.invalid>") {
    spackext::testing::run({"/usr/bin/gpg", "--homedir", path_.string(), "--batch", "--passphrase", "",
                            "--quick-gen-key", uid, "ed25519", "sign", "1d"});
    auto r = spackext::testing::run({"/usr/bin/gpg", "--homedir", path_.string(), "--batch", "--with-colons",
                                     "--list-secret-keys"});
    auto pos = r.out.find("\nfpr:");
    if (pos == std::string::npos) return {};
    auto line = r.out.substr(pos + 1, r.out.find('\n', pos + 1) - pos - 1);
    // fpr:::::::::<FPR>:
    std::size_t field = 0, start = 0;
    for (std::size_t i = 0; i < line.size(); ++i)
      if (line[i] == ':' && ++field == 9) start = i + 1;
    return line.substr(start, line.find(':', start) - start);
  }

 private:
  spackext::testing::TempDir tmp_;
  std::filesystem::path path_;
};

// The armored public keys a fixture mirror publishes (v2 _pgp/*.pub and v3
// key blobs), found through Spack's own key manifests.
inline std::vector<std::filesystem::path> published_keys(const std::filesystem::path& mirror) {
  std::vector<std::filesystem::path> out;
  if (std::filesystem::exists(mirror / "build_cache/_pgp"))
    for (auto& e : std::filesystem::directory_iterator(mirror / "build_cache/_pgp"))
      if (e.path().extension() == ".pub") out.push_back(e.path());
  if (std::filesystem::exists(mirror / "v3/manifests/key"))
    for (auto& e : std::filesystem::directory_iterator(mirror / "v3/manifests/key")) {
      auto m = nlohmann::json::parse(naive_payload(spackext::testing::read_file(e.path())));
      for (auto& r : m["data"])
        if (r["mediaType"] == "application/pgp-keys") out.push_back(mirror / v3_blob(r["checksum"]));
    }
  return out;
}

}  // namespace spackext::buildcache::test
