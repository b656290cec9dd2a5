// Starts Debian's docker-registry (distribution 2.8) on a free loopback port
// with its config and data in the test's temp folder (ServerProcess).
// Variants: no auth, htpasswd Basic auth (bcrypt, via `htpasswd -B`), token
// auth (JWTs from a TokenServer, verified by the registry against the
// server's certificate), each optionally over TLS with a self-signed cert.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <spackext_testing/server_process.hpp>
#include <spackext_testing/testing.hpp>

namespace spackext::test {

inline std::filesystem::path registry_binary() { return "/usr/bin/docker-registry"; }

// Runs a command; throws with its stderr when it fails.
inline std::string run_tool(const std::vector<std::string>& argv) {
  auto r = spackext::testing::run(argv);
  if (r.exit_code != 0) throw std::runtime_error(argv[0] + " failed: " + r.err);
  return r.out;
}

struct RegistryOptions {
  enum class Auth { none, htpasswd, token } auth = Auth::none;
  std::string user = "ciuser", password = "cipass";  // htpasswd
  // token: the TokenServer's realm URL and certificate (PEM file)
  std::string token_realm, token_cert;
  std::string token_service = "spackext-test-registry", token_issuer = "spackext-test-issuer";
  bool tls = false;
  bool deletes = true;  // storage.delete.enabled (distribution answers 405 to deletes without it)
};

class RegistryServer {
 public:
  RegistryServer(const std::filesystem::path& dir, RegistryOptions options = {}) : options_(std::move(options)) {
    port_ = spackext::testing::free_port();
    const auto root = dir / ("registry-" + std::to_string(port_));
    data_dir_ = root / "data";
    std::filesystem::create_directories(root / "data");
    std::string auth;
    if (options_.auth == RegistryOptions::Auth::htpasswd) {
      auto line = run_tool({"/usr/bin/htpasswd", "-Bbn", options_.user, options_.password});
      spackext::testing::write_file(root / "htpasswd", line);
      auth = "auth:\n  htpasswd:\n    realm: ci-registry\n    path: " + (root / "htpasswd").string() + "\n";
    } else if (options_.auth == RegistryOptions::Auth::token) {
      auth = "auth:\n  token:\n    realm: " + options_.token_realm + "\n    service: " + options_.token_service +
             "\n    issuer: " + options_.token_issuer + "\n    rootcertbundle: " + options_.token_cert + "\n";
    }
    std::string tls;
    if (options_.tls) {
      cert_ = (root / "tls-cert.pem").string();
      const auto key = (root / "tls-key.pem").string();
      run_tool({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert_,
                "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
      tls = "  tls:\n    certificate: " + cert_ + "\n    key: " + key + "\n";
    }
    spackext::testing::write_file(
        root / "config.yml",
        "version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: " + (root / "data").string() +
            "\n  delete:\n    enabled: " + std::string(options_.deletes ? "true" : "false") + "\n  maintenance:\n    uploadpurging:\n      enabled: false\n" + auth +
            "http:\n  addr: 127.0.0.1:" + std::to_string(port_) + "\n  secret: ci-only-not-secret\n" + tls);
    process_.emplace(spackext::testing::ServerCommand{
        .argv = {registry_binary().string(), "serve", (root / "config.yml").string()}, .log = root / "registry.log"});
    // Any answer, 401 included, means up; over TLS, listening does.
    ready_ = process_->wait_ready([this] {
      return options_.tls ? spackext::testing::tcp_port_open(port_) : spackext::testing::http_answers(port_, "/v2/");
    });
  }
  // SIGTERM: the registry drains its connections (~1.5 s).
  ~RegistryServer() = default;
  RegistryServer(const RegistryServer&) = delete;
  RegistryServer& operator=(const RegistryServer&) = delete;

  bool ready() const { return ready_; }
  // Why it is not ready, with the end of its log.
  std::string failure() const { return process_->failure(); }
  int port() const { return port_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string base_url() const { return std::string(options_.tls ? "https://" : "http://") + host(); }
  // The mirror URL of `repository` in this registry.
  std::string mirror_url(const std::string& repository) const {
    return std::string(options_.tls ? "oci://" : "oci+http://") + host() + "/" + repository;
  }
  const std::string& ca_cert() const { return cert_; }
  // The filesystem storage's root, for tests that put the registry in a
  // state its API cannot (docker/registry/v2/repositories/<repository>/...).
  const std::filesystem::path& data_dir() const { return data_dir_; }

 private:
  RegistryOptions options_;
  int port_ = 0;
  std::optional<spackext::testing::ServerProcess> process_;
  bool ready_ = false;
  std::string cert_;
  std::filesystem::path data_dir_;
};

#define SPACKEXT_REQUIRE_REGISTRY()                                                                  \
  if (!std::filesystem::exists(::spackext::test::registry_binary()))                                \
  GTEST_SKIP() << "docker-registry not installed at " << ::spackext::test::registry_binary()        \
               << " (apt-get install docker-registry; see scripts/deps/mirrors.txt)"

}  // namespace spackext::test
