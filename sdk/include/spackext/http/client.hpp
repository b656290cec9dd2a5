// An HTTP(S) client for mirror backends and third-party plugins (libcurl).
//
//   spackext::http::Client client({.ca_bundle = "/etc/site-ca.pem"});
//   auto r = client.send({.method = "GET", .url = url},
//                        [&](const char* d, std::size_t n) { hash.update(d, n); return true; });
//
// - Bodies stream both ways: responses go to a sink as they arrive, uploads
//   are pulled from a source; nothing is buffered whole (error bodies are
//   kept, up to 64 KiB, for the message).
// - Connections are reused: idle handles (and their connections) return to a
//   pool; the client is safe to use from many threads at once.
// - TLS is verified by default, against the system store or `ca_bundle`.
// - Transient failures are retried with exponential backoff and full jitter:
//   5xx, 429, timeouts, resets, truncated bodies. A Retry-After header is
//   honoured. A request whose response bytes already went to the sink is
//   retried only if it has `restart` (which must undo what the sink did).
// - Errors name the method and the URL with credentials and configured
//   secrets redacted; header values are never part of a message.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spackext/errors.hpp"

namespace spackext::http {

// Receives response body bytes in order; return false to abort.
using BodySink = std::function<bool(const char* data, std::size_t size)>;
// Fills `buffer` with up to `capacity` bytes of the request body; 0 at the end.
using BodySource = std::function<std::size_t(char* buffer, std::size_t capacity)>;

struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  // Request body: either `body`, or `body_source()` giving a fresh source of
  // `body_size` bytes each time it is called (called again on a retry).
  std::optional<std::string> body;
  std::function<BodySource()> body_source;
  std::uint64_t body_size = 0;
  // Called before a retry once body bytes reached the sink; without it such a
  // request is not retried.
  std::function<void()> restart;
  std::optional<std::chrono::milliseconds> timeout;  // overrides ClientOptions::timeout
  bool head = false;  // HEAD: no body expected
};

struct Response {
  long status = 0;
  // Lower-cased names; repeated headers are joined with ", ".
  std::map<std::string, std::string> headers;
  std::string body;  // when no sink was given, or the status was an error (capped)
  std::string effective_url;
  int attempts = 1;
  std::string header(const std::string& lower_name) const;
};

struct ClientOptions {
  std::string ca_bundle;            // PEM file; empty = system store
  bool verify_tls = true;
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};       // whole request
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(15)};
  std::chrono::milliseconds low_speed_window{std::chrono::seconds(30)};  // abort if < 1 B/s this long
  int max_attempts = 5;             // 1 = no retries
  std::chrono::milliseconds backoff_base{200};
  std::chrono::milliseconds backoff_max{std::chrono::seconds(20)};
  std::string user_agent = "spack-ext";
  bool follow_redirects = true;
  // false: connect directly whatever http_proxy/https_proxy say (cloud
  // metadata services live on link-local addresses no proxy can reach).
  bool use_proxy = true;
  std::vector<std::string> secrets;  // strings never to appear in errors
  // Basic auth for every request (user, password); empty user = none.
  std::string basic_user, basic_password;
  // Sleeps between attempts (tests shorten it).
  std::function<void(std::chrono::milliseconds)> sleep;
};

// Transport failed or the status was not successful after all attempts.
class HttpError : public Error {
 public:
  HttpError(const std::string& what, long status, bool transient)
      : Error(what), status_(status), transient_(transient) {}
  long status() const noexcept { return status_; }  // 0 = no HTTP response
  bool transient() const noexcept { return transient_; }

 private:
  long status_;
  bool transient_;
};

class Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Performs the request with retries. 2xx/3xx (and 304) bodies go to `sink`
  // when given. Returns the final response whatever its status; use
  // `check()` or `send_ok()` to turn a 4xx/5xx into an HttpError.
  Response send(const Request& request, const BodySink& sink = {});
  // As send(), but any status >= 400 is an HttpError naming the object.
  Response send_ok(const Request& request, const BodySink& sink = {});

  // The URL with userinfo, secrets and signature query values masked.
  std::string redact(std::string_view text) const;
  const ClientOptions& options() const { return options_; }

 private:
  struct Pool;
  ClientOptions options_;
  std::unique_ptr<Pool> pool_;
};

// Throws HttpError for a status >= 400, with the server's short message.
void check(const Response& response, const std::string& what);

// Delay before attempt `attempt` (1-based retry number): full jitter over
// min(max, base * 2^(attempt-1)), at least `retry_after` when given.
std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds base, std::chrono::milliseconds max,
                                        std::optional<std::chrono::milliseconds> retry_after);
// Retry-After: delta-seconds or an HTTP date; nullopt if unparsable.
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value);
// %-encodes everything but unreserved characters (and '/' when keep_slash).
std::string url_encode(std::string_view s, bool keep_slash = false);

}  // namespace spackext::http
