// fake-gcs-server: a FAKE Google Cloud Storage server, for tests only.
//
// No GCS server or emulator can run here, so this small program follows
// Google's documented JSON API v1 closely enough to test the gs:// mirror
// backend against real HTTP: objects.list (kind storage#objects, items,
// nextPageToken; a small page size makes clients paginate), objects.get
// (metadata, or alt=media with Range), objects.delete, objects.insert with
// uploadType=media, multipart and resumable (session URI in Location, chunks
// a multiple of 256 KiB with Content-Range, 308 + "Range: bytes=0-N", status
// queries "bytes */N", DELETE cancels with 499), ifGenerationMatch (412), and
// an OAuth 2.0 token endpoint for service accounts that verifies the RS256
// JWT assertion against the account's public key and issues expiring bearer
// tokens that --require-auth then demands on every storage request.
// int64 fields (size, generation, metageneration) are strings and times are
// RFC 3339, as Google sends them. It is strict where GCS is lenient (a chunk
// must start exactly at the persisted offset) so client mistakes show.
//
// Usage:
//   fake-gcs-server --data DIR --port N [--bucket NAME]... [--page-size N]
//     [--service-account EMAIL=PUBLIC_KEY.pem]... [--require-auth]
//     [--static-token TOKEN] [--token-lifetime SECONDS]
//     [--tls-cert CERT.pem --tls-key KEY.pem]   serve HTTPS instead of HTTP
//     [--fail-chunk N]   the N-th resumable data chunk stores only part of its
//                        bytes (a 256 KiB multiple) and answers 503
//     [--corrupt-writes] flips the first byte of every object it stores (a
//                        faulty disk or proxy); md5Hash tells the truth
// Test-only extension (not GCS): POST /_fake/revoke-tokens forgets every
// issued token, so clients see 401 and must exchange a new one.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#define CPPHTTPLIB_OPENSSL_SUPPORT  // --tls-cert/--tls-key: HTTPS, to test CA bundles
#include <httplib.h>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::uint64_t kChunkGranularity = 256 * 1024;

// base64(MD5) of a file's bytes: the md5Hash GCS reports for every
// non-composite object.
std::string md5_base64_of_file(const fs::path& file) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr);
  std::ifstream in(file, std::ios::binary);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  std::string out(4 * ((len + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), md, static_cast<int>(len));
  return out;
}

struct Object {
  std::uint64_t generation = 0;
  std::uint64_t size = 0;
  std::string md5_base64;  // md5Hash: computed from the stored file, as GCS does
  std::string content_type;
  std::chrono::system_clock::time_point updated;
  fs::path file;
};

struct Session {
  std::string bucket, name, content_type;
  std::optional<std::uint64_t> if_generation_match;
  std::uint64_t persisted = 0;
  bool done = false;
  json resource;  // the finished object, for status queries after completion
  fs::path file;
};

struct Config {
  fs::path data;
  int port = 0;
  std::set<std::string> buckets;
  int page_size = 1000;
  std::map<std::string, std::string> service_accounts;  // email -> public key PEM
  bool require_auth = false;
  std::set<std::string> static_tokens;
  long long token_lifetime = 3600;
  int fail_chunk = 0;
  bool corrupt_writes = false;
  std::string tls_cert, tls_key;
  std::string base() const { return (tls_cert.empty() ? "http" : "https") + std::string("://127.0.0.1:") + std::to_string(port); }
};

std::string rfc3339(std::chrono::system_clock::time_point t) {
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(t);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - secs).count();
  std::time_t tt = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03lldZ", buf, static_cast<long long>(ms));
  return out;
}

std::string random_hex(std::size_t bytes) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < bytes; ++i) {
    auto b = rng() & 0xff;
    s += hex[b >> 4];
    s += hex[b & 15];
  }
  return s;
}

std::string hex_encode(const std::string& s) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

std::string hex_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i + 1 < s.size(); i += 2) out += static_cast<char>(std::stoi(s.substr(i, 2), nullptr, 16));
  return out;
}

// RFC 3986: everything but unreserved characters, as in Google's selfLinks.
std::string percent_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> base64url_decode(const std::string& in) {
  std::string b64 = in;
  for (auto& c : b64) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  while (b64.size() % 4) b64 += '=';
  std::string out(b64.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) return std::nullopt;
  std::size_t pad = 0;
  for (auto it = b64.rbegin(); it != b64.rend() && *it == '='; ++it) ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

bool verify_rs256(const std::string& signing_input, const std::string& signature, const std::string& public_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size())),
                                                BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr),
                                                          EVP_PKEY_free);
  if (!key) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
}

void error(httplib::Response& res, int code, const std::string& message, const std::string& reason = "invalid") {
  res.status = code;
  res.set_content(json{{"error",
                        {{"code", code},
                         {"message", message},
                         {"errors", json::array({{{"message", message}, {"domain", "global"}, {"reason", reason}}})}}}}
                      .dump(),
                  "application/json; charset=UTF-8");
}

class FakeGcs {
 public:
  explicit FakeGcs(Config c) : cfg_(std::move(c)) {
    fs::create_directories(cfg_.data / "objects");
    fs::create_directories(cfg_.data / "uploads");
    for (const auto& b : cfg_.buckets) buckets_[b];
  }

  void routes(httplib::Server& s) {
    s.Post("/token", [this](const httplib::Request& q, httplib::Response& r) { token(q, r); });
    s.Post("/_fake/revoke-tokens", [this](const httplib::Request&, httplib::Response& r) {
      std::lock_guard lock(mutex_);
      tokens_.clear();
      r.status = 204;
    });
    s.Get(R"(/storage/v1/b/([^/]+)/o)", [this](const httplib::Request& q, httplib::Response& r) {
      if (authorized(q, r)) list(q, r);
    });
    s.Get(R"(/storage/v1/b/([^/]+)/o/(.+))", [this](const httplib::Request& q, httplib::Response& r) {
      if (authorized(q, r)) get(q, r);
    });
    s.Delete(R"(/storage/v1/b/([^/]+)/o/(.+))", [this](const httplib::Request& q, httplib::Response& r) {
      if (authorized(q, r)) remove(q, r);
    });
    s.Post(R"(/upload/storage/v1/b/([^/]+)/o)", [this](const httplib::Request& q, httplib::Response& r) {
      if (authorized(q, r)) insert(q, r);
    });
    s.Put(R"(/upload/storage/v1/b/([^/]+)/o)", [this](const httplib::Request& q, httplib::Response& r) {
      if (authorized(q, r)) upload_chunk(q, r);
    });
    s.Delete(R"(/upload/storage/v1/b/([^/]+)/o)", [this](const httplib::Request& q, httplib::Response& r) {
      if (!authorized(q, r)) return;
      std::lock_guard lock(mutex_);
      auto it = sessions_.find(q.get_param_value("upload_id"));
      if (it == sessions_.end()) return error(r, 404, "No such upload session.", "notFound");
      fs::remove(it->second.file);
      sessions_.erase(it);
      r.status = 499;  // what Google answers to a cancelled session
    });
  }

 private:
  // --- auth ------------------------------------------------------------------
  bool authorized(const httplib::Request& q, httplib::Response& r) {
    if (!cfg_.require_auth) return true;
    auto h = q.get_header_value("Authorization");
    if (h.rfind("Bearer ", 0) == 0) {
      auto tok = h.substr(7);
      std::lock_guard lock(mutex_);
      if (cfg_.static_tokens.count(tok)) return true;
      auto it = tokens_.find(tok);
      if (it != tokens_.end() && std::chrono::system_clock::now() < it->second) return true;
    }
    error(r, 401, "Invalid Credentials", "authError");
    r.set_header("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
    return false;
  }

  void token(const httplib::Request& q, httplib::Response& r) {
    auto oauth_error = [&](int code, const std::string& err, const std::string& desc) {
      r.status = code;
      r.set_content(json{{"error", err}, {"error_description", desc}}.dump(), "application/json; charset=utf-8");
    };
    if (q.get_param_value("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer")
      return oauth_error(400, "unsupported_grant_type", "Invalid grant_type: " + q.get_param_value("grant_type"));
    const auto jwt = q.get_param_value("assertion");
    auto d1 = jwt.find('.'), d2 = jwt.rfind('.');
    if (d1 == std::string::npos || d1 == d2) return oauth_error(400, "invalid_grant", "Invalid JWT: malformed");
    auto header_text = base64url_decode(jwt.substr(0, d1));
    auto claims_text = base64url_decode(jwt.substr(d1 + 1, d2 - d1 - 1));
    auto sig = base64url_decode(jwt.substr(d2 + 1));
    if (!header_text || !claims_text || !sig) return oauth_error(400, "invalid_grant", "Invalid JWT: bad base64url");
    auto header = json::parse(*header_text, nullptr, false);
    auto claims = json::parse(*claims_text, nullptr, false);
    if (!header.is_object() || !claims.is_object()) return oauth_error(400, "invalid_grant", "Invalid JWT: not JSON");
    if (header.value("alg", "") != "RS256") return oauth_error(400, "invalid_grant", "Invalid JWT: alg must be RS256");
    const auto iss = claims.value("iss", "");
    auto acct = cfg_.service_accounts.find(iss);
    if (acct == cfg_.service_accounts.end()) return oauth_error(400, "invalid_grant", "Invalid JWT: unknown issuer");
    if (!verify_rs256(jwt.substr(0, d2), *sig, acct->second))
      return oauth_error(400, "invalid_grant", "Invalid JWT Signature.");
    const auto expected_aud = cfg_.base() + "/token";
    if (claims.value("aud", "") != expected_aud) return oauth_error(400, "invalid_grant", "Invalid JWT: audience");
    const auto scope = claims.value("scope", "");
    if (scope.find("https://www.googleapis.com/auth/devstorage.") == std::string::npos)
      return oauth_error(400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.");
    if (!claims["iat"].is_number_integer() || !claims["exp"].is_number_integer())
      return oauth_error(400, "invalid_grant", "Invalid JWT: iat/exp");
    const long long now = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
    const auto iat = claims["iat"].get<long long>(), exp = claims["exp"].get<long long>();
    if (exp <= now || iat > now + 60 || exp - iat > 3600)
      return oauth_error(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                                               "reasonable timeframe.");
    auto tok = "ya29.fake-" + random_hex(24);
    {
      std::lock_guard lock(mutex_);
      tokens_[tok] = std::chrono::system_clock::now() + std::chrono::seconds(cfg_.token_lifetime);
      ++issued_;
    }
    r.set_content(json{{"access_token", tok}, {"expires_in", cfg_.token_lifetime}, {"token_type", "Bearer"}}.dump(),
                  "application/json; charset=utf-8");
  }

  // --- objects ---------------------------------------------------------------
  json resource(const std::string& bucket, const std::string& name, const Object& o) const {
    const auto gen = std::to_string(o.generation);
    return {{"kind", "storage#object"},
            {"id", bucket + "/" + name + "/" + gen},
            {"selfLink", cfg_.base() + "/storage/v1/b/" + bucket + "/o/" +
                             percent_encode(name)},
            {"name", name},
            {"bucket", bucket},
            {"generation", gen},
            {"metageneration", "1"},
            {"contentType", o.content_type},
            {"storageClass", "STANDARD"},
            {"size", std::to_string(o.size)},
            {"etag", "CK" + gen},
            {"md5Hash", o.md5_base64},
            {"timeCreated", rfc3339(o.updated)},
            {"updated", rfc3339(o.updated)}};
  }

  std::map<std::string, Object>* bucket_of(const httplib::Request& q, httplib::Response& r) {
    auto it = buckets_.find(q.matches[1]);
    if (it == buckets_.end()) {
      error(r, 404, "The specified bucket does not exist.", "notFound");
      return nullptr;
    }
    return &it->second;
  }

  // ifGenerationMatch: 0 = must not exist; N = live generation must be N.
  static bool precondition_holds(const std::map<std::string, Object>& b, const std::string& name,
                                 std::optional<std::uint64_t> want) {
    if (!want) return true;
    auto it = b.find(name);
    if (*want == 0) return it == b.end();
    return it != b.end() && it->second.generation == *want;
  }

  static std::optional<std::uint64_t> generation_match(const httplib::Request& q) {
    if (!q.has_param("ifGenerationMatch")) return std::nullopt;
    return std::stoull(q.get_param_value("ifGenerationMatch"));
  }

  void list(const httplib::Request& q, httplib::Response& r) {
    std::lock_guard lock(mutex_);
    auto* b = bucket_of(q, r);
    if (!b) return;
    const auto prefix = q.get_param_value("prefix");
    int max = cfg_.page_size;
    if (q.has_param("maxResults")) max = std::min(max, std::max(1, std::stoi(q.get_param_value("maxResults"))));
    auto it = b->lower_bound(prefix);
    if (q.has_param("pageToken")) it = b->upper_bound(hex_decode(q.get_param_value("pageToken")));
    json items = json::array();
    std::string last;
    for (; it != b->end() && it->first.rfind(prefix, 0) == 0; ++it) {
      if (static_cast<int>(items.size()) == max) break;
      items.push_back(resource(q.matches[1], it->first, it->second));
      last = it->first;
    }
    json out = {{"kind", "storage#objects"}};
    if (!items.empty()) out["items"] = items;  // Google omits an empty list
    if (it != b->end() && it->first.rfind(prefix, 0) == 0) out["nextPageToken"] = hex_encode(last);
    r.set_content(out.dump(), "application/json; charset=UTF-8");
  }

  void get(const httplib::Request& q, httplib::Response& r) {
    std::unique_lock lock(mutex_);
    auto* b = bucket_of(q, r);
    if (!b) return;
    auto it = b->find(q.matches[2]);
    if (it == b->end()) return error(r, 404, "No such object: " + std::string(q.matches[1]) + "/" + std::string(q.matches[2]), "notFound");
    if (q.get_param_value("alt") != "media") {
      r.set_content(resource(q.matches[1], it->first, it->second).dump(), "application/json; charset=UTF-8");
      return;
    }
    // Stream the file; httplib answers Range requests with 206 from this provider.
    auto file = std::make_shared<std::ifstream>(it->second.file, std::ios::binary);
    auto size = it->second.size;
    r.set_header("x-goog-generation", std::to_string(it->second.generation));
    r.set_content_provider(size, it->second.content_type,
                           [file](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             std::vector<char> buf(std::min<std::size_t>(length, 64 * 1024));
                             file->seekg(static_cast<std::streamoff>(offset));
                             while (length > 0) {
                               auto n = std::min(length, buf.size());
                               file->read(buf.data(), static_cast<std::streamsize>(n));
                               if (file->gcount() != static_cast<std::streamsize>(n)) return false;
                               if (!sink.write(buf.data(), n)) return false;
                               length -= n;
                             }
                             return true;
                           });
  }

  void remove(const httplib::Request& q, httplib::Response& r) {
    std::lock_guard lock(mutex_);
    auto* b = bucket_of(q, r);
    if (!b) return;
    auto it = b->find(q.matches[2]);
    if (it == b->end()) return error(r, 404, "No such object.", "notFound");
    if (!precondition_holds(*b, it->first, generation_match(q)))
      return error(r, 412, "At least one of the pre-conditions you specified did not hold.", "conditionNotMet");
    fs::remove(it->second.file);
    b->erase(it);
    r.status = 204;
  }

  // Makes `file` the live content of bucket/name (mutex held).
  json commit(std::map<std::string, Object>& b, const std::string& bucket, const std::string& name,
              const fs::path& file, const std::string& content_type) {
    Object o;
    o.generation = ++generation_;
    o.size = fs::file_size(file);
    o.content_type = content_type.empty() ? "application/octet-stream" : content_type;
    o.updated = std::chrono::system_clock::now();
    o.file = cfg_.data / "objects" / std::to_string(o.generation);
    if (cfg_.corrupt_writes && o.size > 0) {
      std::fstream f(file, std::ios::binary | std::ios::in | std::ios::out);
      char c = 0;
      f.read(&c, 1);
      c = static_cast<char>(c ^ 0xff);
      f.seekp(0);
      f.write(&c, 1);
    }
    o.md5_base64 = md5_base64_of_file(file);
    fs::rename(file, o.file);
    if (auto old = b.find(name); old != b.end()) fs::remove(old->second.file);
    b[name] = o;
    return resource(bucket, name, o);
  }

  void insert(const httplib::Request& q, httplib::Response& r) {
    std::lock_guard lock(mutex_);
    auto* b = bucket_of(q, r);
    if (!b) return;
    const auto type = q.get_param_value("uploadType");
    const auto want = generation_match(q);
    std::string name = q.get_param_value("name"), content_type, media;
    if (type == "media") {
      content_type = q.get_header_value("Content-Type");
      media = q.body;
    } else if (type == "multipart") {
      // multipart/related: a JSON metadata part, then the media part.
      auto ct = q.get_header_value("Content-Type");
      auto bpos = ct.find("boundary=");
      if (ct.rfind("multipart/related", 0) != 0 || bpos == std::string::npos)
        return error(r, 400, "Multipart upload needs Content-Type multipart/related with a boundary.");
      auto boundary = ct.substr(bpos + 9);
      if (!boundary.empty() && boundary.front() == '"') boundary = boundary.substr(1, boundary.size() - 2);
      const auto delim = "--" + boundary;
      std::vector<std::pair<std::string, std::string>> parts;  // headers, body
      std::size_t pos = q.body.find(delim);
      while (pos != std::string::npos) {
        pos += delim.size();
        if (q.body.compare(pos, 2, "--") == 0) break;
        pos = q.body.find("\r\n", pos) + 2;
        auto head_end = q.body.find("\r\n\r\n", pos);
        auto next = q.body.find("\r\n" + delim, head_end);
        if (head_end == std::string::npos || next == std::string::npos) return error(r, 400, "Malformed multipart body.");
        parts.emplace_back(q.body.substr(pos, head_end - pos), q.body.substr(head_end + 4, next - head_end - 4));
        pos = next + 2;
      }
      if (parts.size() != 2) return error(r, 400, "Multipart upload needs exactly a metadata and a media part.");
      auto meta = json::parse(parts[0].second, nullptr, false);
      if (!meta.is_object()) return error(r, 400, "Metadata part is not JSON.");
      if (meta.contains("name")) name = meta["name"];
      content_type = meta.value("contentType", "");
      media = parts[1].second;
    } else if (type == "resumable") {
      if (name.empty()) {
        auto meta = json::parse(q.body.empty() ? "{}" : q.body, nullptr, false);
        if (meta.is_object() && meta.contains("name")) name = meta["name"];
      }
      if (name.empty()) return error(r, 400, "Required object name.", "required");
      if (!precondition_holds(*b, name, want))
        return error(r, 412, "At least one of the pre-conditions you specified did not hold.", "conditionNotMet");
      Session s;
      s.bucket = q.matches[1];
      s.name = name;
      s.content_type = q.get_header_value("X-Upload-Content-Type");
      s.if_generation_match = want;
      auto id = random_hex(16);
      s.file = cfg_.data / "uploads" / id;
      std::ofstream(s.file, std::ios::binary).close();
      sessions_[id] = s;
      r.set_header("Location", cfg_.base() + "/upload/storage/v1/b/" + s.bucket +
                                   "/o?uploadType=resumable&upload_id=" + id);
      r.set_content("", "text/plain");
      return;
    } else {
      return error(r, 400, "Invalid uploadType: " + type);
    }
    if (name.empty()) return error(r, 400, "Required object name.", "required");
    if (!precondition_holds(*b, name, want))
      return error(r, 412, "At least one of the pre-conditions you specified did not hold.", "conditionNotMet");
    auto tmp = cfg_.data / "uploads" / random_hex(16);
    std::ofstream(tmp, std::ios::binary).write(media.data(), static_cast<std::streamsize>(media.size()));
    r.set_content(commit(*b, q.matches[1], name, tmp, content_type).dump(), "application/json; charset=UTF-8");
  }

  void upload_chunk(const httplib::Request& q, httplib::Response& r) {
    std::lock_guard lock(mutex_);
    auto* b = bucket_of(q, r);
    if (!b) return;
    auto sit = sessions_.find(q.get_param_value("upload_id"));
    if (sit == sessions_.end()) return error(r, 404, "No such upload session.", "notFound");
    auto& s = sit->second;
    auto incomplete = [&] {
      r.status = 308;  // "Resume Incomplete"; no Location, so clients do not follow it
      if (s.persisted > 0) r.set_header("Range", "bytes=0-" + std::to_string(s.persisted - 1));
      r.set_content("", "text/plain");
    };
    // Content-Range: "bytes A-B/TOTAL", "bytes A-B/*", or a status query "bytes */TOTAL|*".
    static const std::regex data_re(R"(bytes (\d+)-(\d+)/(\d+|\*))"), query_re(R"(bytes \*/(\d+|\*))");
    const auto range = q.get_header_value("Content-Range");
    std::smatch m;
    if (std::regex_match(range, m, query_re)) {
      if (!q.body.empty()) return error(r, 400, "A status query has no body.");
      if (s.done) return r.set_content(s.resource.dump(), "application/json; charset=UTF-8");
      return incomplete();
    }
    if (s.done) return error(r, 400, "The upload session is already complete.");
    if (!std::regex_match(range, m, data_re)) return error(r, 400, "Failed to parse Content-Range header.");
    const auto first = std::stoull(m[1]), last = std::stoull(m[2]);
    const bool final = m[3] != "*";
    if (last < first || q.body.size() != last - first + 1)
      return error(r, 400, "Content-Range does not match the body length.");
    if (first != s.persisted)
      return error(r, 400, "Content-Range starts at " + std::to_string(first) + " but " +
                               std::to_string(s.persisted) + " bytes are stored.");
    if (final && std::stoull(m[3]) != last + 1) return error(r, 400, "Final chunk does not end at the total size.");
    if (!final && q.body.size() % kChunkGranularity != 0)
      return error(r, 400, "Chunk size must be a multiple of 256 KiB except for the last chunk.");
    std::size_t keep = q.body.size();
    const int chunk_number = ++chunks_seen_;
    const bool inject = cfg_.fail_chunk > 0 && chunk_number == cfg_.fail_chunk;
    if (inject) keep = (q.body.size() / 2) / kChunkGranularity * kChunkGranularity;  // part arrived, then it broke
    std::ofstream(s.file, std::ios::binary | std::ios::app).write(q.body.data(), static_cast<std::streamsize>(keep));
    s.persisted += keep;
    if (inject) return error(r, 503, "Injected failure of chunk " + std::to_string(chunk_number) + ".", "backendError");
    if (!final) return incomplete();
    if (!precondition_holds(*b, s.name, s.if_generation_match)) {
      fs::remove(s.file);
      sessions_.erase(sit);
      return error(r, 412, "At least one of the pre-conditions you specified did not hold.", "conditionNotMet");
    }
    s.resource = commit(*b, s.bucket, s.name, s.file, s.content_type);
    s.done = true;
    r.set_content(s.resource.dump(), "application/json; charset=UTF-8");
  }

  Config cfg_;
  std::mutex mutex_;
  std::map<std::string, std::map<std::string, Object>> buckets_;
  std::map<std::string, Session> sessions_;
  std::map<std::string, std::chrono::system_clock::time_point> tokens_;
  std::uint64_t generation_ = 1700000000000000;
  int chunks_seen_ = 0;
  int issued_ = 0;
};

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  try {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
        return argv[++i];
      };
      if (a == "--data") cfg.data = value();
      else if (a == "--port") cfg.port = std::stoi(value());
      else if (a == "--bucket") cfg.buckets.insert(value());
      else if (a == "--page-size") cfg.page_size = std::max(1, std::stoi(value()));
      else if (a == "--service-account") {
        auto v = value();
        auto eq = v.find('=');
        if (eq == std::string::npos) throw std::runtime_error("--service-account EMAIL=PUBLIC_KEY.pem");
        cfg.service_accounts[v.substr(0, eq)] = read_text(v.substr(eq + 1));
      } else if (a == "--require-auth") cfg.require_auth = true;
      else if (a == "--static-token") cfg.static_tokens.insert(value());
      else if (a == "--token-lifetime") cfg.token_lifetime = std::stoll(value());
      else if (a == "--fail-chunk") cfg.fail_chunk = std::stoi(value());
      else if (a == "--corrupt-writes") cfg.corrupt_writes = true;
      else if (a == "--tls-cert") cfg.tls_cert = value();
      else if (a == "--tls-key") cfg.tls_key = value();
      else throw std::runtime_error("unknown argument " + a);
    }
    if (cfg.data.empty() || cfg.port <= 0) throw std::runtime_error("--data DIR and --port N are required");
  } catch (const std::exception& e) {
    std::cerr << "fake-gcs-server: " << e.what() << "\n";
    return 2;
  }
  FakeGcs fake(cfg);
  std::unique_ptr<httplib::Server> server;
  if (cfg.tls_cert.empty())
    server = std::make_unique<httplib::Server>();
  else
    server = std::make_unique<httplib::SSLServer>(cfg.tls_cert.c_str(), cfg.tls_key.c_str());
  if (!server->is_valid()) {
    std::cerr << "fake-gcs-server: cannot load the TLS certificate or key\n";
    return 2;
  }
  fake.routes(*server);
  std::cerr << "fake-gcs-server: listening on " << cfg.base() << "\n";
  if (!server->listen("127.0.0.1", cfg.port)) {
    std::cerr << "fake-gcs-server: cannot bind 127.0.0.1:" << cfg.port << "\n";
    return 1;
  }
  return 0;
}
