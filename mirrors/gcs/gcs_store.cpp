#include "gcs_store.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <thread>

#include <spackext/errors.hpp>

#include "md5.hpp"
#include "object_json.hpp"

namespace spackext::mirrors::gcs {

namespace {

std::string query_string(const std::vector<std::pair<std::string, std::string>>& query) {
  std::string q;
  for (const auto& [k, v] : query) q += (q.empty() ? "?" : "&") + http::url_encode(k) + "=" + http::url_encode(v);
  return q;
}

// Google's error replies are {"error": {"code": ..., "message": ...}}.
std::string server_message(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.is_object() && j.contains("error")) {
    const auto& e = j["error"];
    if (e.is_object() && e.contains("message") && e["message"].is_string()) return e["message"];
    if (e.is_string()) return e;
  }
  return body.substr(0, 200);
}

bool retriable(long status) { return status == 408 || status == 429 || status >= 500; }

// "bytes=0-1048575" -> 1048576 bytes persisted; no header -> none.
std::optional<std::uint64_t> persisted_bytes(const http::Response& res) {
  auto range = res.header("range");
  if (range.empty()) return 0;
  auto dash = range.find('-');
  std::uint64_t last = 0;
  if (range.rfind("bytes=0-", 0) != 0) return std::nullopt;
  auto [end, ec] = std::from_chars(range.data() + dash + 1, range.data() + range.size(), last);
  if (ec != std::errc() || end != range.data() + range.size()) return std::nullopt;
  return last + 1;
}

}  // namespace

GcsStore::GcsStore(std::string url, GcsSettings settings, GcsStoreOptions options)
    : url_(std::move(url)), settings_(std::move(settings)), options_(std::move(options)) {
  auto where = parse_bucket_url(url_, "gs");
  bucket_ = std::move(where.bucket);
  prefix_ = std::move(where.prefix);
  if (options_.chunk_size == 0 || options_.chunk_size % kChunkGranularity != 0)
    throw InputError(url_, "resumable upload chunk size must be a multiple of 256 KiB");
  // A single-request upload is buffered whole (to resend it on a retry): never more than one chunk.
  options_.resumable_threshold = std::clamp<std::uint64_t>(options_.resumable_threshold, 1, options_.chunk_size);
  if (!settings_.ca_bundle.empty()) options_.http.ca_bundle = settings_.ca_bundle;
  if (!settings_.access_token.empty()) options_.http.secrets.push_back(settings_.access_token);
  if (settings_.service_account) {
    options_.http.secrets.push_back(settings_.service_account->private_key);
    tokens_ = std::make_unique<ServiceAccountTokens>(*settings_.service_account, options_.http, options_.clock);
  }
}

GcsStore::Clients GcsStore::clients() {
  std::string token = settings_.access_token;
  if (tokens_) token = tokens_->token();
  std::lock_guard lock(clients_mutex_);
  if (!clients_.normal || clients_.token != token) {
    // A new token is a new secret to mask: the clients are rebuilt with it
    // (about once an hour); requests in flight keep their old clients.
    auto o = options_.http;
    if (!token.empty()) o.secrets.push_back(token);
    clients_.normal = std::make_shared<http::Client>(o);
    o.max_attempts = 1;
    clients_.chunk = std::make_shared<http::Client>(o);
    clients_.token = token;
  }
  return clients_;
}

http::Response GcsStore::execute(http::Request request, const http::BodySink& sink, bool chunk) {
  const auto plain_headers = request.headers;
  for (int attempt = 0;; ++attempt) {
    auto c = clients();
    request.headers = plain_headers;
    if (!c.token.empty()) request.headers.emplace_back("Authorization", "Bearer " + c.token);
    auto res = (chunk ? c.chunk : c.normal)->send(request, sink);
    // A token can be revoked or expire early: exchange a new one, once.
    if (res.status == 401 && tokens_ && attempt == 0) {
      tokens_->invalidate(c.token);
      continue;
    }
    return res;
  }
}

std::string GcsStore::credential_description() const {
  if (settings_.service_account) return "service account " + settings_.service_account->client_email;
  if (!settings_.access_token.empty()) return "the configured access token";
  return "anonymous access (no credentials configured)";
}

void GcsStore::fail(const http::Response& res, const std::string& object, const std::string& action) const {
  const auto where = url_ + ": " + object;
  if (res.status == 401 || res.status == 403) {
    throw InputError(where, action + " denied (HTTP " + std::to_string(res.status) + ": " +
                                server_message(res.body) + ") using " + credential_description() +
                                "; set GOOGLE_APPLICATION_CREDENTIALS or GOOGLE_OAUTH_ACCESS_TOKEN");
  }
  if (res.status == 404)  // objects' own 404s are handled by the callers: this is the bucket
    throw MirrorNotFound(url_, "the bucket '" + bucket_ + "' does not exist (" + action + " " + object +
                                   ": HTTP 404: " + server_message(res.body) + ")");
  if (res.status == 412)
    throw PreconditionFailed(where + ": " + action +
                             ": precondition failed (the object changed or exists; ifGenerationMatch)");
  throw http::HttpError(where + ": " + action + " failed (HTTP " + std::to_string(res.status) + ": " +
                            server_message(res.body) + ")",
                        res.status, retriable(res.status));
}

std::string GcsStore::object_name(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "/" + std::string(key);
}

std::string GcsStore::object_path(const std::string& name) const {
  return settings_.endpoint + "/storage/v1/b/" + http::url_encode(bucket_) + "/o/" + http::url_encode(name);
}

std::string GcsStore::upload_url(const std::string& name, const char* upload_type, const PutOptions& options) const {
  std::vector<std::pair<std::string, std::string>> q = {{"uploadType", upload_type}, {"name", name}};
  if (options.if_none_match)
    q.emplace_back("ifGenerationMatch", "0");  // 0: only if no live object exists
  else if (!options.if_match.empty())
    q.emplace_back("ifGenerationMatch", options.if_match);
  return settings_.endpoint + "/upload/storage/v1/b/" + http::url_encode(bucket_) + "/o" + query_string(q);
}

ObjectInfo GcsStore::to_info(const std::string& key, const std::string& body, const std::string& what) const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) throw Error(what + ": object resource is not JSON");
  auto o = parse_object(j, what);
  return ObjectInfo{key, o.size, o.generation, o.updated};
}

ObjectInfo GcsStore::checked_upload(const std::string& key, std::uint64_t size, const std::string& body,
                                    const std::string& md5) {
  const auto what = url_ + ": " + key;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) throw Error(what + ": object resource is not JSON");
  auto o = parse_object(j, what);
  if (o.size != size)
    throw Error(what + ": the server stored " + std::to_string(o.size) + " bytes of " + std::to_string(size));
  std::string stored = o.md5_hash;
  if (stored.empty()) {  // no md5Hash (composite objects): read it back
    Md5 back;
    get(key, [&](const char* d, std::size_t n) {
      back.update({d, n});
      return true;
    });
    stored = back.base64();
  }
  if (stored != md5)
    throw Error(what + ": the server stored different bytes (md5Hash " + stored + ", sent " + md5 + ")");
  return ObjectInfo{key, o.size, o.generation, o.updated};
}

void GcsStore::list(std::string_view prefix, const std::function<void(const ObjectInfo&)>& visit) {
  const auto full_prefix = object_name(prefix);
  const auto what = url_ + ": listing '" + std::string(prefix) + "'";
  std::string token;
  for (;;) {
    std::vector<std::pair<std::string, std::string>> q = {
        {"prefix", full_prefix}, {"fields", "items(name,size,generation,updated),nextPageToken"}};
    if (!token.empty()) q.emplace_back("pageToken", token);
    if (options_.list_page_size > 0) q.emplace_back("maxResults", std::to_string(options_.list_page_size));
    http::Request r;
    r.url = settings_.endpoint + "/storage/v1/b/" + http::url_encode(bucket_) + "/o" + query_string(q);
    auto res = execute(r);
    if (res.status >= 400) fail(res, "listing '" + std::string(prefix) + "'", "list");
    auto page = parse_list_page(res.body, what);
    for (const auto& o : page.items) {
      if (!prefix_.empty() && o.name.rfind(prefix_ + "/", 0) != 0) continue;  // not below our prefix
      visit(ObjectInfo{prefix_.empty() ? o.name : o.name.substr(prefix_.size() + 1), o.size, o.generation, o.updated});
    }
    if (page.next_page_token.empty()) break;
    if (page.next_page_token == token) throw Error(what + ": the server repeated the page token");
    token = page.next_page_token;
  }
}

std::optional<ObjectInfo> GcsStore::stat(std::string_view key_view) {
  const std::string key(key_view);
  http::Request r;
  r.url = object_path(object_name(key)) + query_string({{"fields", "name,size,generation,updated"}});
  auto res = execute(r);
  if (res.status == 404) return std::nullopt;
  if (res.status >= 400) fail(res, key, "stat");
  return to_info(key, res.body, url_ + ": " + key);
}

void GcsStore::get(std::string_view key_view, const ByteSink& sink) {
  const std::string key(key_view);
  http::Request r;
  r.url = object_path(object_name(key)) + query_string({{"alt", "media"}});
  auto res = execute(r, sink);
  if (res.status == 404) throw Error(url_ + ": object '" + key + "' does not exist");
  if (res.status >= 400) fail(res, key, "read");
}

ObjectInfo GcsStore::put(std::string_view key_view, std::uint64_t size, const ByteSource& source,
                         const PutOptions& options) {
  const std::string key(key_view);
  if (size > options_.resumable_threshold) return put_resumable(key, size, source, options);
  // At most one chunk: read whole so the client can resend it on a retry.
  auto body = read_exactly(source, size, url_ + ": " + key);
  http::Request r;
  r.method = "POST";
  r.url = upload_url(object_name(key), "media", options);
  r.headers = {{"Content-Type", options.content_type.empty() ? "application/octet-stream" : options.content_type}};
  Md5 md5;
  md5.update(body);
  r.body = std::move(body);
  auto res = execute(r);
  if (res.status >= 400) fail(res, key, "write");
  return checked_upload(key, size, res.body, md5.base64());
}

ObjectInfo GcsStore::put_resumable(const std::string& key, std::uint64_t size, const ByteSource& source,
                                   const PutOptions& options) {
  const auto what = url_ + ": " + key;
  const auto content_type = options.content_type.empty() ? "application/octet-stream" : options.content_type;
  http::Request start;
  start.method = "POST";
  start.url = upload_url(object_name(key), "resumable", options);
  start.headers = {{"Content-Type", "application/json; charset=UTF-8"},
                   {"X-Upload-Content-Type", content_type},
                   {"X-Upload-Content-Length", std::to_string(size)}};
  start.body = nlohmann::json{{"name", object_name(key)}, {"contentType", content_type}}.dump();
  auto res = execute(start);
  if (res.status >= 400) fail(res, key, "start of resumable upload");
  const auto session = res.header("location");
  if (session.empty()) throw Error(what + ": resumable upload started without a session URI (Location)");

  auto cancel = [&] {  // frees the session; Google answers 499
    try {
      http::Request del;
      del.method = "DELETE";
      del.url = session;
      execute(del, {}, /*chunk=*/true);
    } catch (...) {
    }
  };
  auto sleep = options_.http.sleep ? options_.http.sleep
                                   : [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  try {
    std::string buf;
    Md5 md5;                   // of the bytes as read from the source, once each
    std::uint64_t offset = 0;  // the server holds every byte before this
    while (offset < size) {
      const auto len = std::min<std::uint64_t>(options_.chunk_size, size - offset);
      buf.resize(len);
      for (std::uint64_t got = 0; got < len;) {
        auto n = source(buf.data() + got, len - got);
        if (n == 0)
          throw Error(what + ": source ended after " + std::to_string(offset + got) + " of " + std::to_string(size) +
                      " bytes");
        got += n;
      }
      md5.update(buf);
      const auto chunk_end = offset + len;  // exclusive
      const bool last = chunk_end == size;
      std::uint64_t sent_from = offset;  // the server's offset, inside this chunk
      int failures = 0;
      bool ask_status = false;  // after a failure, ask how much arrived before resending anything
      for (;;) {
        http::Request put;
        put.method = "PUT";
        put.url = session;
        if (ask_status) {
          put.headers = {{"Content-Range", "bytes */" + std::to_string(size)}};
          put.body = std::string();
        } else {
          put.headers = {{"Content-Range", "bytes " + std::to_string(sent_from) + "-" + std::to_string(chunk_end - 1) +
                                               "/" + (last ? std::to_string(size) : "*")}};
          // Straight from the chunk buffer (no copy); a fresh reader for each attempt.
          const std::string_view data(buf.data() + (sent_from - offset), chunk_end - sent_from);
          put.body_size = data.size();
          put.body_source = [data] { return memory_source(data); };
        }
        http::Response pres;
        bool failed = false;
        try {
          pres = execute(put, {}, /*chunk=*/true);
          failed = retriable(pres.status);
        } catch (const http::HttpError& e) {
          if (e.status() != 0 && !e.transient()) {
            // The session URI lets anyone holding it write the object: keep it out of messages.
            std::string text = e.what();
            for (auto p = text.find(session); p != std::string::npos; p = text.find(session, p))
              text.replace(p, session.size(), "<upload session>");
            throw http::HttpError(text, e.status(), e.transient());
          }
          failed = true;  // connection reset, timeout: the status query tells what arrived
        }
        if (!failed && (pres.status == 200 || pres.status == 201)) return checked_upload(key, size, pres.body, md5.base64());
        if (!failed && pres.status == 308) {
          const auto stored = persisted_bytes(pres);
          if (!stored) throw Error(what + ": unreadable Range header in the upload session's reply");
          const auto have = *stored;
          if (have < offset || have > chunk_end)
            throw Error(what + ": upload session reports " + std::to_string(have) + " bytes stored, expected " +
                        std::to_string(offset) + " to " + std::to_string(chunk_end));
          const bool progress = ask_status || have > sent_from;
          sent_from = have;
          ask_status = false;
          if (sent_from == chunk_end) break;  // on to the next chunk
          if (progress) continue;             // send the rest of this chunk
          failed = true;                      // the server took nothing: count it, so this ends
        }
        if (!failed) {
          if (pres.status == 404 || pres.status == 410)
            throw Error(what + ": the resumable upload session expired (HTTP " + std::to_string(pres.status) + ")");
          fail(pres, key, "resumable upload");
        }
        if (++failures >= options_.max_chunk_attempts)
          throw Error(what + ": resumable upload chunk at byte " + std::to_string(sent_from) + " failed " +
                      std::to_string(failures) + " times" +
                      (pres.status ? " (last HTTP " + std::to_string(pres.status) + ")" : ""));
        sleep(http::backoff_delay(failures, options_.http.backoff_base, options_.http.backoff_max,
                                  pres.status ? http::parse_retry_after(pres.header("retry-after")) : std::nullopt));
        ask_status = true;
      }
      offset = chunk_end;
    }
    throw Error(what + ": the server did not finalize the upload after its last byte");
  } catch (...) {
    cancel();
    throw;
  }
}

void GcsStore::remove(std::string_view key_view) {
  const std::string key(key_view);
  http::Request r;
  r.method = "DELETE";
  r.url = object_path(object_name(key));
  auto res = execute(r);
  if (res.status == 404) return;
  if (res.status >= 400) fail(res, key, "delete");
}

std::unique_ptr<MirrorStore> GcsMirrorBackend::open(const std::string& url, const nlohmann::json& settings) {
  return std::make_unique<GcsStore>(url, resolve_settings(settings));
}

}  // namespace spackext::mirrors::gcs
