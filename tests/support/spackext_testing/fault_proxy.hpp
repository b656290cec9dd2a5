// An HTTP proxy in front of a real test server (s3rver, nginx WebDAV,
// docker-registry) that damages traffic the way networks and middleboxes do:
// 5xx answers that never reached the server, connections dropped with no
// body or half of it, and a byte flipped in a request or response body.
//
// It forwards every method (WebDAV's PROPFIND, MOVE, MKCOL included) and the
// client's Host header unchanged, so what the server derives from it (the
// registry's upload Location, nginx's check of a MOVE's Destination) names
// the proxy and the client's next request comes through it again. Plain
// HTTP only: a flipped byte under TLS would be a failed record, not damage
// the client could be fooled by.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace spackext::testing {

struct FaultPlan {
  double server_errors = 0;   // share of requests answered 503 without reaching the server
  double resets = 0;          // share of responses dropped after the headers, no body
  double truncations = 0;     // share of responses dropped half-way through the body
  double flips = 0;           // share of bodies (PUT/POST/PATCH requests, GET responses) with one byte flipped
  bool flip_every_put = false;  // flip the first byte of every PUT body (deterministic)
  unsigned seed = 1;
  // Called with each request's method and target before anything else; a
  // false answer drops the connection without forwarding the request (a
  // test kills its client there, or acts on the server first).
  std::function<bool(const std::string& method, const std::string& target)> before_forward;
};

class FaultProxy {
 public:
  // `upstream`: "http://127.0.0.1:PORT".
  FaultProxy(const std::string& upstream, FaultPlan plan);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port()); }
  int port() const;
  // How many of each fault were injected, and how many requests came in.
  std::atomic<int> errors{0}, resets{0}, truncations{0}, flips{0}, requests{0};
  int injected() const { return errors + resets + truncations + flips; }
  // Every fault injected, as "503 GET /path", in order: what a failed trial
  // prints so that its cause can be traced.
  std::string journal() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spackext::testing
