#include "https_store.hpp"

#include <random>

#include <spackext/errors.hpp>

#include "multistatus.hpp"

namespace spackext::mirrors::https {

namespace {

const char* kPropfindBody =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:resourcetype/><D:getcontentlength/><D:getetag/>"
    "<D:getlastmodified/></D:prop></D:propfind>\n";

std::string random_hex(std::size_t n) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  std::string out;
  while (out.size() < n) {
    auto v = rng();
    for (int i = 0; i < 16 && out.size() < n; ++i, v >>= 4) out += hex[v & 15];
  }
  return out;
}

bool is_temp(std::string_view key) { return key.find(kTempMarker) != std::string_view::npos; }

// libcurl's messages: "SSL certificate problem: self-signed certificate",
// "SSL: no alternative certificate subject name matches target host name".
bool is_certificate_failure(const std::string& message) { return message.find("certificate") != std::string::npos; }
bool is_tls_failure(const std::string& message) {
  return message.find("SSL") != std::string::npos || message.find("TLS") != std::string::npos;
}

}  // namespace

HttpsStore::HttpsStore(std::string url, HttpsSettings settings, HttpsStoreOptions options)
    : url_(std::move(url)), settings_(std::move(settings)), options_(std::move(options)) {
  const auto scheme_end = url_.find("://");
  const auto scheme = scheme_end == std::string::npos ? std::string() : url_.substr(0, scheme_end);
  if (scheme != "https" && scheme != "http") throw InputError(url_, "not an http:// or https:// URL");
  if (url_.find_first_of("?#") != std::string::npos)
    throw InputError(url_, "a mirror URL cannot have a query or fragment");
  base_url_ = url_;
  while (base_url_.size() > scheme_end + 3 && base_url_.back() == '/') base_url_.pop_back();
  const auto path_start = base_url_.find('/', scheme_end + 3);
  if (base_url_.size() == scheme_end + 3 || path_start == scheme_end + 3) throw InputError(url_, "URL without a host");
  base_path_ = path_start == std::string::npos ? "/" : percent_decode(base_url_.substr(path_start)) + "/";

  options_.http.ca_bundle = settings_.ca_bundle;
  options_.http.basic_user = settings_.basic_user;
  options_.http.basic_password = settings_.basic_password;
  for (const auto* secret : {&settings_.basic_password, &settings_.bearer_token})
    if (!secret->empty()) options_.http.secrets.push_back(*secret);
  client_ = std::make_unique<http::Client>(options_.http);
}

std::string HttpsStore::object_url(std::string_view key) const {
  return base_url_ + "/" + http::url_encode(key, /*keep_slash=*/true);
}

http::Request HttpsStore::request(const std::string& method, const std::string& url) const {
  http::Request r;
  r.method = method;
  r.url = url;
  r.head = method == "HEAD";
  if (!settings_.bearer_token.empty()) r.headers.emplace_back("Authorization", "Bearer " + settings_.bearer_token);
  return r;
}

http::Response HttpsStore::send(const http::Request& request, const std::string& action, std::string_view key,
                                const http::BodySink& sink) {
  try {
    return client_->send(request, sink);
  } catch (const http::HttpError& e) {
    const std::string mirror = "mirror " + client_->redact(url_);
    const std::string object = " while trying to " + action + " '" + std::string(key) + "' (" + e.what() + ")";
    if (e.status() == 0 && is_certificate_failure(e.what()))
      throw Error(mirror + ": TLS verification of the server failed" + object +
                  "; if the server uses a private CA, name its PEM file with 'ca_bundle' in the mirror entry "
                  "or SPACK_EXT_CA_BUNDLE");
    if (e.status() == 0 && is_tls_failure(e.what())) throw Error(mirror + ": TLS connection failed" + object);
    throw;
  }
}

void HttpsStore::fail(const http::Response& r, const std::string& action, std::string_view key) const {
  const std::string mirror = "mirror " + client_->redact(url_);
  const std::string object = action + " '" + std::string(key) + "'";
  if (r.status == 401 || r.status == 403)
    throw InputError(mirror + ": " + object,
                     "HTTP " + std::to_string(r.status) +
                         ": credentials are missing or wrong (the server refused them; set access_pair for basic "
                         "auth or access_token_variable for a bearer token in the mirror entry)");
  if (r.status == 405 || r.status == 501)
    throw Error(mirror + ": " + object + ": HTTP " + std::to_string(r.status) +
                ": the server does not allow this method; writing to an http(s) mirror needs WebDAV "
                "(PUT, MOVE, DELETE enabled)");
  http::check(r, mirror + ": " + object);
  throw Error(mirror + ": " + object + ": unexpected HTTP " + std::to_string(r.status));
}

// ---- reading -------------------------------------------------------------

std::optional<ObjectInfo> HttpsStore::stat(std::string_view key) {
  const auto url = object_url(key);
  auto res = send(request("HEAD", url), "stat", key);
  if (res.status == 404 || res.status == 410) return std::nullopt;
  // A key naming a directory is redirected to "<key>/" (a listing page or a
  // 403 without autoindex): not an object.
  if (!res.effective_url.empty() && res.effective_url.back() == '/' && url.back() != '/') return std::nullopt;
  if (res.status >= 300) fail(res, "stat", key);
  ObjectInfo info;
  info.key = std::string(key);
  const auto length = res.header("content-length");
  info.size = length.empty() ? 0 : std::stoull(length);
  info.etag = bare_etag(res.header("etag"));
  info.modified = parse_http_date(res.header("last-modified"));
  return info;
}

void HttpsStore::get(std::string_view key, const ByteSink& sink) {
  auto res = send(request("GET", object_url(key)), "get", key, sink);
  if (res.status == 404 || res.status == 410)
    throw Error(client_->redact(url_) + ": object '" + std::string(key) + "' does not exist");
  if (res.status >= 300) fail(res, "get", key);
}

void HttpsStore::get_range(std::string_view key, std::uint64_t offset, std::uint64_t length, const ByteSink& sink) {
  auto req = request("GET", object_url(key));
  req.headers.emplace_back("Range", "bytes=" + std::to_string(offset) + "-" +
                                        (length ? std::to_string(offset + length - 1) : std::string()));
  // A server ignoring the range sends the whole object: stop it once more than
  // was asked for arrives instead of passing it all on.
  std::uint64_t received = 0;
  bool overflow = false;
  http::BodySink bounded = [&](const char* data, std::size_t n) {
    received += n;
    if (length && received > length) {
      overflow = true;
      return false;
    }
    return sink(data, n);
  };
  http::Response res;
  try {
    res = send(req, "get a byte range of", key, bounded);
  } catch (const http::HttpError&) {
    if (!overflow) throw;
  }
  if (res.status == 404 || res.status == 410)
    throw Error(client_->redact(url_) + ": object '" + std::string(key) + "' does not exist");
  if (res.status == 416)
    throw Error(client_->redact(url_) + ": object '" + std::string(key) + "': byte range starting at " +
                std::to_string(offset) + " is beyond its end");
  if (res.status >= 300) fail(res, "get", key);
  if (overflow || res.status != 206)
    throw Error(client_->redact(url_) + ": object '" + std::string(key) +
                "': the server ignored the byte range (HTTP " + std::to_string(res.status) + " instead of 206)");
}

// ---- listing -------------------------------------------------------------

void HttpsStore::list(std::string_view prefix, const std::function<void(const ObjectInfo&)>& visit) {
  // Start at the deepest directory the prefix names; PROPFIND only walks
  // directories, so "v3/manifests/spec/pe" starts at "v3/manifests/spec/".
  const auto slash = prefix.rfind('/');
  walk(slash == std::string_view::npos ? std::string() : std::string(prefix.substr(0, slash + 1)), prefix, visit);
}

// A 404 for the mirror's own folder means the mirror does not exist; below
// it, only that nothing is stored there yet.

void HttpsStore::walk(const std::string& dir, std::string_view prefix,
                      const std::function<void(const ObjectInfo&)>& visit) {
  auto req = request("PROPFIND", base_url_ + "/" + http::url_encode(dir, true));
  req.headers.emplace_back("Depth", "1");
  req.headers.emplace_back("Content-Type", "application/xml; charset=utf-8");
  req.body = kPropfindBody;
  auto res = send(req, "list", dir);
  if (res.status == 404) {
    if (dir.empty()) throw MirrorNotFound("mirror " + client_->redact(url_), "the mirror's folder does not exist (HTTP 404)");
    return;  // nothing stored below this directory (yet)
  }
  if (res.status == 405 || res.status == 501)
    throw Error("mirror " + client_->redact(url_) + ": listing '" + std::string(prefix) +
                "' needs WebDAV (PROPFIND answered HTTP " + std::to_string(res.status) +
                "); this server only serves downloads, so commands that list or write the mirror cannot use it");
  if (res.status >= 300) fail(res, "list", dir);
  if (res.status != 207)
    throw Error("mirror " + client_->redact(url_) + ": listing '" + std::string(dir) + "': PROPFIND answered HTTP " +
                std::to_string(res.status) + " instead of 207 Multi-Status (is this a WebDAV server?)");
  const auto entries = parse_multistatus(res.body, "mirror " + client_->redact(url_) + ": listing '" + dir + "'");
  for (const auto& e : entries) {
    if (e.path.rfind(base_path_, 0) != 0) continue;  // not below the mirror root
    std::string key = e.path.substr(base_path_.size());
    while (!key.empty() && key.back() == '/') key.pop_back();
    // The directory itself is part of its own Depth: 1 reply.
    if (key.size() <= dir.size() || key.rfind(dir, 0) != 0) continue;
    if (is_temp(key)) continue;
    if (e.collection) {
      const auto sub = key + "/";
      if (sub.rfind(prefix, 0) == 0 || prefix.rfind(sub, 0) == 0) walk(sub, prefix, visit);
      continue;
    }
    if (key.rfind(prefix, 0) != 0) continue;
    ObjectInfo info;
    info.key = std::move(key);
    info.size = e.size;
    info.etag = e.etag;
    info.modified = e.modified;
    visit(info);
  }
}

// ---- writing -------------------------------------------------------------

void HttpsStore::upload(const std::string& temp_key, const std::string& key, std::uint64_t size,
                        const ByteSource& source, const std::string& content_type) {
  auto req = request("PUT", object_url(temp_key));
  if (!content_type.empty()) req.headers.emplace_back("Content-Type", content_type);
  const std::string shown = client_->redact(url_) + ": upload of '" + key + "'";
  struct Stream {
    const ByteSource* source;
    std::uint64_t remaining;
    bool started = false, replayed = false, short_source = false;
  };
  auto stream = std::make_shared<Stream>(Stream{&source, size});
  if (size <= options_.replayable_upload_limit) {
    // Small (manifests, indexes, keys): read once so a retry can resend it.
    req.body = read_exactly(source, size, shown);
  } else {
    // Large: stream straight from the source. It cannot be rewound, so a
    // second attempt (after a transient failure) aborts instead of sending
    // a body that starts in the middle.
    req.body_size = size;
    req.body_source = [stream]() -> http::BodySource {
      if (stream->started) {
        stream->replayed = true;
        return [](char*, std::size_t) -> std::size_t { throw Error("stream cannot be replayed"); };
      }
      stream->started = true;
      return [stream](char* buffer, std::size_t capacity) -> std::size_t {
        if (stream->remaining == 0) return 0;
        auto n = (*stream->source)(buffer, static_cast<std::size_t>(std::min<std::uint64_t>(capacity, stream->remaining)));
        if (n == 0) {  // ending early would leave the server waiting for the rest
          stream->short_source = true;
          throw Error("source ended early");
        }
        stream->remaining -= n;
        return n;
      };
    };
  }
  http::Response res;
  try {
    res = send(req, "upload", key);
  } catch (const http::HttpError& e) {
    if (stream->short_source)
      throw Error(shown + ": the source ended " + std::to_string(stream->remaining) + " bytes early");
    if (stream->replayed)
      throw Error(shown + ": the transfer failed and a streamed upload cannot be resent; try again");
    throw;
  }
  if (res.status >= 300) fail(res, "upload", key);
}

void HttpsStore::remove_quietly(const std::string& key) noexcept {
  try {
    client_->send(request("DELETE", object_url(key)));
  } catch (...) {
  }
}

ObjectInfo HttpsStore::put(std::string_view key_view, std::uint64_t size, const ByteSource& source,
                           const PutOptions& options) {
  const std::string key(key_view);
  if (key.empty() || key.back() == '/' || is_temp(key))
    throw InputError("mirror " + client_->redact(url_), "cannot store an object named '" + key + "'");
  // Publish atomically: the bytes go to a sibling temporary name, then one
  // MOVE (a rename on the server) makes them visible under the real key, so
  // a reader sees the old object or the new one, never a partial one.
  const std::string temp = key + std::string(kTempMarker) + random_hex(16);
  // nginx (ngx_http_dav_module) ignores If-Match on MOVE and PUT, and a HEAD
  // before the MOVE would leave a window in which another writer's object
  // is overwritten unnoticed (nginx etags are "<mtime>-<size>", blind to a
  // same-size rewrite within a second): refused rather than pretended.
  if (!options.if_match.empty())
    throw ConditionsUnsupported("mirror " + client_->redact(url_) + ": " + key +
                                ": a WebDAV server cannot replace an object only if it is unchanged (If-Match)");
  try {
    upload(temp, key, size, source, options.content_type);
    auto move = request("MOVE", object_url(temp));
    move.headers.emplace_back("Destination", object_url(key));
    // Overwrite: F is enforced by the server (412 when the key exists). nginx
    // tests for the destination and renames in one event handler, so it is
    // atomic within one worker process; with several workers two creators
    // racing within microseconds could both succeed (last one wins). A
    // conditional PUT would not help: nginx ignores If-None-Match on PUT.
    move.headers.emplace_back("Overwrite", options.if_none_match ? "F" : "T");
    auto res = send(move, "publish", key);
    if (res.status == 412)
      throw PreconditionFailed(client_->redact(url_) + ": " + key + ": already exists (precondition failed)");
    if (res.status >= 300) fail(res, "publish", key);
  } catch (...) {
    remove_quietly(temp);
    throw;
  }
  ObjectInfo info;
  info.key = key;
  info.size = size;
  info.modified = std::chrono::system_clock::now();
  // The MOVE reply carries no etag; ask for it (callers use it for if_match).
  if (auto now = stat(key); now && now->size == size) {
    info.etag = now->etag;
    info.modified = now->modified;
  }
  return info;
}

void HttpsStore::remove(std::string_view key) {
  auto res = send(request("DELETE", object_url(key)), "remove", key);
  if (res.status == 404 || res.status == 410) return;  // already gone: removing is idempotent
  if (res.status >= 300) fail(res, "remove", key);
}

std::unique_ptr<MirrorStore> HttpsMirrorBackend::open(const std::string& url, const nlohmann::json& settings) {
  return std::make_unique<HttpsStore>(url, resolve_settings(settings, url));
}

}  // namespace spackext::mirrors::https
