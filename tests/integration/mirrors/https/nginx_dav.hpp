// Starts nginx with WebDAV (ngx_http_dav_module + dav-ext) on a free loopback
// port, serving a folder in the test's temp dir over TLS with a throwaway CA
// made by the openssl CLI (started and stopped by ServerProcess). Variants:
// plain http, no WebDAV (a static server), basic auth for writes only, a
// bearer token for everything.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <spackext_testing/server_process.hpp>
#include <spackext_testing/testing.hpp>

namespace spackext::test {

inline const std::filesystem::path kNginx = "/usr/sbin/nginx";
inline const std::filesystem::path kDavExtModule = "/usr/lib/nginx/modules/ngx_http_dav_ext_module.so";
inline const std::filesystem::path kOpenssl = "/usr/bin/openssl";
inline const std::filesystem::path kHtpasswd = "/usr/bin/htpasswd";

enum class DavAuth { none, basic_for_writes, bearer_for_all };

struct NginxDavOptions {
  bool tls = true;
  bool webdav = true;  // PUT/MOVE/DELETE and dav-ext's PROPFIND; off = a plain static server
  DavAuth auth = DavAuth::none;
  std::string user = "uploader";
  std::string password = "pw-Secret-4711";
  std::string token = "tok-Secret-0815";
};

// Runs a tool; throws with its output when it fails.
inline void run_tool(const std::vector<std::string>& argv) {
  auto r = spackext::testing::run(argv);
  if (r.exit_code != 0) {
    std::string cmd;
    for (const auto& a : argv) cmd += a + " ";
    throw std::runtime_error(cmd + "failed: " + r.out + r.err);
  }
}

// A CA (ca.pem, ca.key) in `dir`; with `server`, also server.pem/server.key
// for localhost and 127.0.0.1 signed by it.
inline void make_ca(const std::filesystem::path& dir, const std::string& name, bool server) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  const auto ca = (dir / "ca.pem").string(), ca_key = (dir / "ca.key").string();
  run_tool({kOpenssl.string(), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=" + name, "-addext",
            "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"});
  if (!server) return;
  const auto key = (dir / "server.key").string(), csr = (dir / "server.csr").string(),
             cert = (dir / "server.pem").string(), ext = (dir / "server.ext").string();
  spackext::testing::write_file(ext,
                                "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                                "extendedKeyUsage=serverAuth\n");
  run_tool({kOpenssl.string(), "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            key, "-out", csr, "-subj", "/CN=localhost"});
  run_tool({kOpenssl.string(), "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
            "-days", "2", "-extfile", ext});
}

class NginxDav {
 public:
  NginxDav(const std::filesystem::path& dir, NginxDavOptions options = {}) : dir_(dir), options_(options) {
    namespace fs = std::filesystem;
    fs::create_directories(dir_ / "www");
    fs::create_directories(dir_ / "tmp");
    if (options_.tls) make_ca(dir_ / "pki", "spack-ext test CA", true);
    if (options_.auth == DavAuth::basic_for_writes)
      run_tool({kHtpasswd.string(), "-bc", (dir_ / "htpasswd").string(), options_.user, options_.password});
    port_ = spackext::testing::free_port();
    spackext::testing::write_file(dir_ / "nginx.conf", config());
    const auto prefix = dir_.string() + "/";
    process_.emplace(spackext::testing::ServerCommand{
        .argv = {kNginx.string(), "-c", (dir_ / "nginx.conf").string(), "-p", prefix, "-e", (dir_ / "error.log").string()},
        .log = dir_ / "nginx.out"});
    // Listening is the last thing nginx does before serving (and TLS
    // handshakes need no probe of their own).
    ready_ = process_->wait_ready([this] { return spackext::testing::tcp_port_open(port_); });
  }
  NginxDav(const NginxDav&) = delete;
  NginxDav& operator=(const NginxDav&) = delete;

  bool ready() const { return ready_; }
  // Why it is not ready: the start's failure and nginx's own messages.
  std::string log() const {
    std::error_code ec;
    return process_->failure() + "\n" +
           (std::filesystem::exists(dir_ / "error.log", ec) ? spackext::testing::read_file(dir_ / "error.log") : "");
  }
  std::string url(const std::string& path = "") const {
    return std::string(options_.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::filesystem::path ca_file() const { return dir_ / "pki/ca.pem"; }
  // The served folder: tests look at what really is on the server's disk.
  std::filesystem::path root() const { return dir_ / "www"; }
  const NginxDavOptions& options() const { return options_; }

 private:
  std::string config() const {
    const auto d = dir_.string();
    std::string c;
    if (options_.webdav) c += "load_module " + kDavExtModule.string() + ";\n";
    // Workers of a root master would run as nobody and fail to write here.
    if (::geteuid() == 0) c += "user root;\n";
    // One worker: nginx's Overwrite: F check is atomic only within a worker.
    c += "worker_processes 1;\npid " + d + "/nginx.pid;\ndaemon off;\nerror_log " + d + "/error.log warn;\n";
    c += "events { worker_connections 128; }\nhttp {\n";
    c += "  access_log " + d + "/access.log;\n";
    for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
      c += "  " + std::string(t) + "_temp_path " + d + "/tmp/" + t + ";\n";
    c += "  default_type application/octet-stream;\n";
    if (options_.auth == DavAuth::bearer_for_all)
      c += "  map $http_authorization $bearer_ok { \"Bearer " + options_.token + "\" 1; default 0; }\n";
    c += "  server {\n    listen 127.0.0.1:" + std::to_string(port_) + (options_.tls ? " ssl" : "") + ";\n";
    c += "    server_name localhost;\n";
    if (options_.tls)
      c += "    ssl_certificate " + d + "/pki/server.pem;\n    ssl_certificate_key " + d + "/pki/server.key;\n";
    c += "    root " + d + "/www;\n    client_max_body_size 0;\n    location / {\n";
    if (options_.webdav)
      c += "      dav_methods PUT DELETE MKCOL COPY MOVE;\n      dav_ext_methods PROPFIND OPTIONS;\n"
           "      create_full_put_path on;\n      dav_access user:rw group:r all:r;\n";
    if (options_.auth == DavAuth::basic_for_writes)
      c += "      limit_except GET HEAD OPTIONS PROPFIND { auth_basic \"mirror\"; auth_basic_user_file " + d +
           "/htpasswd; }\n";
    if (options_.auth == DavAuth::bearer_for_all) c += "      if ($bearer_ok = 0) { return 401; }\n";
    c += "    }\n  }\n}\n";
    return c;
  }

  std::filesystem::path dir_;
  NginxDavOptions options_;
  int port_ = 0;
  std::optional<spackext::testing::ServerProcess> process_;
  bool ready_ = false;
};

#define SPACKEXT_REQUIRE_NGINX_DAV()                                                                       \
  for (const auto& tool : {::spackext::test::kNginx, ::spackext::test::kDavExtModule,                     \
                           ::spackext::test::kOpenssl, ::spackext::test::kHtpasswd})                      \
    if (!std::filesystem::exists(tool))                                                                    \
  GTEST_SKIP() << tool << " not installed (Debian: nginx libnginx-mod-http-dav-ext openssl apache2-utils)"

}  // namespace spackext::test
