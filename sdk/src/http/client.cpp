#include "spackext/http/client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <mutex>
#include <random>
#include <thread>

namespace spackext::http {

namespace {

constexpr std::size_t kErrorBodyCap = 64 * 1024;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool transient_curl_error(CURLcode c) {
  switch (c) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

bool transient_status(long s) { return s == 429 || s == 408 || (s >= 500 && s <= 599); }

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// State shared with the libcurl callbacks of one attempt.
struct Transfer {
  Response* response = nullptr;
  const BodySink* sink = nullptr;
  CURL* curl = nullptr;
  bool delivered = false;
  bool aborted = false;
  BodySource source;
  const std::string* body = nullptr;
  std::size_t body_pos = 0;
};

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (redirect, 100-continue)
    t->response->headers.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    auto name = lower(std::string(line.substr(0, colon)));
    auto value = trim(line.substr(colon + 1));
    auto& slot = t->response->headers[name];
    slot = slot.empty() ? value : slot + ", " + value;
  }
  return size * n;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 400 || !t->sink || !*t->sink) {
    auto& b = t->response->body;
    if (status >= 400 && b.size() >= kErrorBodyCap) return len;
    b.append(data, status >= 400 ? std::min(len, kErrorBodyCap - b.size()) : len);
    return len;
  }
  t->delivered = true;
  if (!(*t->sink)(data, len)) {
    t->aborted = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  return len;
}

size_t on_read(char* buffer, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t cap = size * n;
  if (t->body) {
    size_t k = std::min(cap, t->body->size() - t->body_pos);
    std::memcpy(buffer, t->body->data() + t->body_pos, k);
    t->body_pos += k;
    return k;
  }
  if (t->source) {
    try {
      return t->source(buffer, cap);
    } catch (...) {
      return CURL_READFUNC_ABORT;
    }
  }
  return 0;
}

std::string short_server_message(const Response& r) {
  std::string body = r.body.substr(0, 300);
  for (auto& c : body)
    if (c == '\n' || c == '\r') c = ' ';
  return trim(body);
}

}  // namespace

std::string Response::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

struct Client::Pool {
  std::mutex mutex;
  std::vector<CURL*> idle;
  ~Pool() {
    for (auto* c : idle) curl_easy_cleanup(c);
  }
  CURL* acquire() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        CURL* c = idle.back();
        idle.pop_back();
        curl_easy_reset(c);  // keeps live connections and the TLS session cache
        return c;
      }
    }
    return curl_easy_init();
  }
  void release(CURL* c) {
    std::lock_guard lock(mutex);
    idle.push_back(c);
  }
};

Client::Client(ClientOptions options) : options_(std::move(options)), pool_(std::make_unique<Pool>()) {
  global_init();
  if (!options_.sleep) options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

Client::~Client() = default;

std::string Client::redact(std::string_view text) const {
  std::string s(text);
  // userinfo in URLs
  for (std::size_t pos = 0; (pos = s.find("://", pos)) != std::string::npos; pos += 3) {
    auto host = pos + 3;
    auto end = s.find_first_of("/ ?#", host);
    auto at = s.rfind('@', end == std::string::npos ? s.size() : end);
    if (at != std::string::npos && at >= host) s.replace(host, at - host, "***");
  }
  // credential-like query parameters
  for (const char* key : {"X-Amz-Signature=", "X-Amz-Credential=", "X-Amz-Security-Token=", "Signature=",
                          "access_token=", "token=", "sig=", "_state="}) {
    for (std::size_t pos = 0; (pos = s.find(key, pos)) != std::string::npos;) {
      auto v = pos + std::strlen(key);
      auto end = s.find_first_of("& \n", v);
      s.replace(v, (end == std::string::npos ? s.size() : end) - v, "***");
      pos = v + 3;
    }
  }
  for (const auto& secret : options_.secrets) {
    if (secret.size() < 4) continue;
    for (std::size_t pos = 0; (pos = s.find(secret, pos)) != std::string::npos;) s.replace(pos, secret.size(), "***");
  }
  return s;
}

std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds base, std::chrono::milliseconds max,
                                        std::optional<std::chrono::milliseconds> retry_after) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const int shift = std::min(attempt - 1, 20);
  auto cap = std::min<std::int64_t>(max.count(), base.count() * (std::int64_t{1} << shift));
  std::uniform_int_distribution<std::int64_t> dist(cap / 2, std::max<std::int64_t>(cap, 1));
  std::chrono::milliseconds d(dist(rng));
  if (retry_after && *retry_after > d) d = std::min(*retry_after, std::chrono::milliseconds(std::chrono::minutes(5)));
  return d;
}

std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value) {
  auto v = trim(value);
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return std::chrono::seconds(std::stoll(v));
  std::tm tm{};
  const char* end = strptime(v.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end) return std::nullopt;
  auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
  auto now = std::chrono::system_clock::now();
  if (when <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
}

std::string url_encode(std::string_view s, bool keep_slash) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

Response Client::send(const Request& request, const BodySink& sink) {
  const std::string what = request.method + " " + redact(request.url);
  for (int attempt = 1;; ++attempt) {
    Response response;
    response.attempts = attempt;
    Transfer t;
    t.response = &response;
    t.sink = &sink;
    CURL* curl = pool_->acquire();
    if (!curl) throw HttpError(what + ": cannot create a libcurl handle", 0, false);
    t.curl = curl;
    curl_slist* headers = nullptr;
    for (const auto& [k, v] : request.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle.c_str());
    if (!options_.use_proxy) curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>((request.timeout ? *request.timeout : options_.timeout).count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                     static_cast<long>(std::max<std::int64_t>(1, options_.low_speed_window.count() / 1000)));
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, options_.follow_redirects ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    if (!options_.basic_user.empty()) {
      curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(curl, CURLOPT_USERNAME, options_.basic_user.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.basic_password.c_str());
    }
    const bool has_body = request.body || request.body_source;
    if (request.head || request.method == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (has_body) {
      if (request.body) t.body = &*request.body;
      else t.source = request.body_source();
      const auto size = request.body ? request.body->size() : request.body_size;
      curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
      curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt(curl, CURLOPT_READDATA, &t);
      if (request.method != "PUT") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else if (request.method == "POST") {
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, 0L);
    } else if (request.method == "PUT") {
      static const std::string empty;
      t.body = &empty;
      curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(0));
      curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt(curl, CURLOPT_READDATA, &t);
    } else if (request.method != "GET") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    char* eff = nullptr;
    if (curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK && eff) response.effective_url = eff;
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    curl_slist_free_all(headers);
    pool_->release(curl);

    const bool can_retry = attempt < options_.max_attempts && (!t.delivered || request.restart);
    auto retry = [&](std::optional<std::chrono::milliseconds> after) {
      if (t.delivered) request.restart();
      options_.sleep(backoff_delay(attempt, options_.backoff_base, options_.backoff_max, after));
    };
    if (code != CURLE_OK) {
      if (t.aborted) throw HttpError(what + ": aborted by the receiver", response.status, false);
      const bool transient = transient_curl_error(code);
      if (transient && can_retry) {
        retry(std::nullopt);
        continue;
      }
      std::string detail = errbuf[0] ? errbuf : curl_easy_strerror(code);
      throw HttpError(what + ": " + redact(detail) + (attempt > 1 ? " (after " + std::to_string(attempt) + " attempts)" : ""),
                      0, transient);
    }
    if (transient_status(response.status) && can_retry) {
      retry(parse_retry_after(response.header("retry-after")));
      continue;
    }
    return response;
  }
}

void check(const Response& r, const std::string& what) {
  if (r.status < 400) return;
  std::string msg = what + ": HTTP " + std::to_string(r.status);
  auto server = short_server_message(r);
  if (!server.empty()) msg += " (" + server + ")";
  if (r.attempts > 1) msg += " after " + std::to_string(r.attempts) + " attempts";
  throw HttpError(msg, r.status, transient_status(r.status));
}

Response Client::send_ok(const Request& request, const BodySink& sink) {
  auto r = send(request, sink);
  check(r, request.method + " " + redact(request.url));
  return r;
}

}  // namespace spackext::http
