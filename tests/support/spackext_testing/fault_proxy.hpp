// An HTTP proxy in front of a real test server (s3rver, nginx,
// docker-registry) that damages traffic the way networks and middleboxes do:
// 5xx answers that never reached the server, connections dropped with no
// body or half of it, and a byte flipped in a request or response body.
// Header-only (it needs cpp-httplib, which only the tests that use it link,
// with OpenSSL: Debian's libcpp-httplib is built with TLS support, and a
// Client declared without it has a smaller layout than the library's code
// writes into).
#pragma once

#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT
#endif
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <string>
#include <thread>

namespace spackext::testing {

struct FaultPlan {
  double server_errors = 0;   // share of requests answered 503 without reaching the server
  double resets = 0;          // share of responses dropped after the headers, no body
  double truncations = 0;     // share of responses dropped half-way through the body
  double flips = 0;           // share of bodies (PUT/POST requests, GET responses) with one byte flipped
  bool flip_every_put = false;  // flip the first byte of every PUT body (deterministic)
  unsigned seed = 1;
};

class FaultProxy {
 public:
  // `upstream`: "http://127.0.0.1:PORT".
  FaultProxy(const std::string& upstream, FaultPlan plan) : upstream_(upstream), plan_(plan), rng_(plan.seed) {
    auto forward = [this](const httplib::Request& q, httplib::Response& r) { handle(q, r); };
    server_.Get(".*", forward);
    server_.Put(".*", forward);
    server_.Post(".*", forward);
    server_.Delete(".*", forward);
    server_.Patch(".*", forward);
    server_.Options(".*", forward);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~FaultProxy() {
    server_.stop();
    thread_.join();
  }
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  // How many of each fault were injected.
  std::atomic<int> errors{0}, resets{0}, truncations{0}, flips{0}, requests{0};

 private:
  bool roll(double share) {
    if (share <= 0) return false;
    std::lock_guard lock(rng_mutex_);
    return std::uniform_real_distribution<double>(0, 1)(rng_) < share;
  }
  std::size_t pick(std::size_t n) {
    std::lock_guard lock(rng_mutex_);
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

  void handle(const httplib::Request& q, httplib::Response& r) {
    ++requests;
    if (roll(plan_.server_errors)) {
      ++errors;
      r.status = 503;
      r.set_content("injected 503", "text/plain");
      return;
    }
    httplib::Headers headers;
    for (const auto& [k, v] : q.headers)
      if (k != "Host" && k != "Content-Length" && k != "REMOTE_ADDR" && k != "REMOTE_PORT" && k != "LOCAL_ADDR" &&
          k != "LOCAL_PORT")
        headers.emplace(k, v);
    std::string body = q.body;
    if (!body.empty() && q.method == "PUT" && plan_.flip_every_put) {
      body[0] = static_cast<char>(body[0] ^ 0xff);
      ++flips;
    } else if (!body.empty() && (q.method == "PUT" || q.method == "POST" || q.method == "PATCH") && roll(plan_.flips)) {
      body[pick(body.size())] ^= 0x01;
      ++flips;
    }
    const auto type = q.get_header_value("Content-Type");
    const auto target = q.target.empty() ? q.path : q.target;
    httplib::Client upstream(upstream_);  // one per request: the proxy serves several at once
    auto res = q.method == "GET"       ? upstream.Get(target, headers)
               : q.method == "HEAD"    ? upstream.Head(target, headers)
               : q.method == "DELETE"  ? upstream.Delete(target, headers, body, type)
               : q.method == "POST"    ? upstream.Post(target, headers, body, type)
               : q.method == "PATCH"   ? upstream.Patch(target, headers, body, type)
               : q.method == "OPTIONS" ? upstream.Options(target, headers)
                                       : upstream.Put(target, headers, body, type);
    if (!res) {
      r.status = 502;
      return;
    }
    r.status = res->status;
    for (const auto& [k, v] : res->headers)
      if (k != "Content-Length" && k != "Transfer-Encoding" && k != "Connection") r.set_header(k, v);
    auto out = std::make_shared<std::string>(res->body);
    if (q.method == "HEAD" || out->empty()) {
      r.body = *out;
      return;
    }
    if (q.method == "GET" && res->status < 300 && roll(plan_.flips)) {
      (*out)[pick(out->size())] ^= 0x01;
      ++flips;
    }
    std::size_t cut = out->size();
    if (res->status < 300 && roll(plan_.resets)) {
      ++resets;
      cut = 0;
    } else if (res->status < 300 && roll(plan_.truncations)) {
      ++truncations;
      cut = out->size() / 2;
    }
    const auto ct = res->get_header_value("Content-Type");
    // Declares the whole length, sends `cut` bytes, then drops the connection.
    r.set_content_provider(out->size(), ct.empty() ? "application/octet-stream" : ct.c_str(),
                           [out, cut](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             if (offset >= cut) return false;
                             sink.write(out->data() + offset, std::min(length, cut - offset));
                             return true;
                           });
  }

  std::string upstream_;
  FaultPlan plan_;
  std::mt19937 rng_;
  std::mutex rng_mutex_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace spackext::testing
