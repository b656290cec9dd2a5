// A Docker token service for the registry's `auth: token` mode: GET
// /token?service=..&scope=repository:<name>:<actions> checks Basic
// credentials and answers {"token": <JWT>} signed RS256 with a fresh key
// whose self-signed certificate travels in the JWT header (x5c) and is the
// registry's rootcertbundle. The registry really verifies these tokens
// (signature, chain, issuer, audience, times, granted actions).
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "registry_server.hpp"
#include "spackext_testing/server_ready.hpp"

namespace spackext::test {

inline std::string b64(const std::string& bytes, bool url) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  if (url) {
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  }
  return out;
}

class TokenServer {
 public:
  TokenServer(const std::filesystem::path& dir, std::string user, std::string password, std::string service,
              std::string issuer)
      : user_(std::move(user)), password_(std::move(password)), service_(std::move(service)), issuer_(std::move(issuer)) {
    port_ = spackext::testing::free_port();
    const auto root = dir / ("token-" + std::to_string(port_));
    std::filesystem::create_directories(root);
    cert_ = (root / "cert.pem").string();
    const auto key = (root / "key.pem").string();
    run_tool({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert_,
              "-days", "1", "-subj", "/CN=spackext-test-token-issuer"});
    load_key(key);
    server_.Get("/token", [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
    // Bound before the thread starts, so the registry can ask at once.
    if (!server_.bind_to_port("127.0.0.1", port_)) throw std::runtime_error("token server cannot bind its port");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    spackext::testing::wait_until_running(server_);
  }
  ~TokenServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
    EVP_PKEY_free(key_);
  }

  std::string realm() const { return "http://127.0.0.1:" + std::to_string(port_) + "/token"; }
  const std::string& cert_file() const { return cert_; }
  int requests() const { return requests_; }
  std::vector<std::string> scopes() const {
    std::lock_guard lock(mutex_);
    return scopes_;
  }
  // Grants only these actions whatever is asked (empty = what is asked).
  void restrict_actions(std::vector<std::string> actions) {
    std::lock_guard lock(mutex_);
    allowed_ = std::move(actions);
  }

 private:
  void load_key(const std::string& key_file) {
    FILE* f = std::fopen(key_file.c_str(), "r");
    key_ = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    FILE* c = std::fopen(cert_.c_str(), "r");
    X509* x = PEM_read_X509(c, nullptr, nullptr, nullptr);
    std::fclose(c);
    unsigned char* der = nullptr;
    int len = i2d_X509(x, &der);
    cert_der_b64_ = b64(std::string(reinterpret_cast<char*>(der), static_cast<std::size_t>(len)), false);
    OPENSSL_free(der);
    X509_free(x);
    if (!key_) throw std::runtime_error("cannot load the token signing key");
  }

  std::string sign(const std::string& input) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_);
    EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
    std::string sig(len, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    sig.resize(len);
    EVP_MD_CTX_free(ctx);
    return sig;
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    ++requests_;
    const auto expected = "Basic " + b64(user_ + ":" + password_, false);
    if (req.get_header_value("Authorization") != expected) {
      res.status = 401;
      res.set_content(R"({"details":"wrong or missing credentials"})", "application/json");
      return;
    }
    if (req.get_param_value("service") != service_) {
      res.status = 400;
      res.set_content(R"({"details":"unknown service"})", "application/json");
      return;
    }
    nlohmann::json access = nlohmann::json::array();
    for (std::size_t i = 0; i < req.get_param_value_count("scope"); ++i) {
      auto scope = req.get_param_value("scope", i);
      std::lock_guard lock(mutex_);
      scopes_.push_back(scope);
      // repository:<name>:<a,b>
      auto first = scope.find(':'), last = scope.rfind(':');
      if (first == std::string::npos || first == last) continue;
      std::vector<std::string> actions;
      std::stringstream ss(scope.substr(last + 1));
      for (std::string a; std::getline(ss, a, ',');)
        if (allowed_.empty() || std::find(allowed_.begin(), allowed_.end(), a) != allowed_.end()) actions.push_back(a);
      access.push_back({{"type", scope.substr(0, first)}, {"name", scope.substr(first + 1, last - first - 1)},
                        {"actions", actions}});
    }
    const auto now = static_cast<long long>(std::time(nullptr));
    nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"x5c", {cert_der_b64_}}};
    nlohmann::json claims = {{"iss", issuer_},   {"sub", user_},      {"aud", service_},
                             {"exp", now + 300}, {"nbf", now - 10},   {"iat", now},
                             {"jti", std::to_string(now) + "-" + std::to_string(requests_.load())},
                             {"access", access}};
    const auto input = b64(header.dump(), true) + "." + b64(claims.dump(), true);
    const auto jwt = input + "." + b64(sign(input), true);
    res.set_content(nlohmann::json{{"token", jwt}, {"expires_in", 300}}.dump(), "application/json");
  }

  std::string user_, password_, service_, issuer_;
  int port_ = 0;
  std::string cert_, cert_der_b64_;
  EVP_PKEY* key_ = nullptr;
  httplib::Server server_;
  std::thread thread_;
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> scopes_;
  std::vector<std::string> allowed_;
};

}  // namespace spackext::test
