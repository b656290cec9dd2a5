#include "s3_store.hpp"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include <openssl/evp.h>

#include <cstring>
#include <ctime>
#include <sstream>

#include <spackext/errors.hpp>

namespace spackext::mirrors::s3 {

namespace {

// Object bodies are not hashed into the signature: Content-MD5 already makes
// the server check them (S3 refuses a mismatch), and a second digest of
// every byte (SHA-256) cost a sixth of a sync's CPU time. botocore does the
// same over TLS; the signature still covers method, key and headers.
constexpr const char* kUnsignedPayload = "UNSIGNED-PAYLOAD";

std::string strip_quotes(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

std::optional<std::chrono::system_clock::time_point> parse_time(const std::string& text, const char* fmt) {
  std::tm tm{};
  if (!strptime(text.c_str(), fmt, &tm)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// MD5 of a request body: sent as Content-MD5 (S3 refuses a body that does
// not match it) and compared with the ETag the server answers (the MD5 of
// what it stored, for single PUTs and parts on S3, MinIO, Ceph and s3rver).
struct BodyDigest {
  std::string hex, base64;
};
std::string lower_hex(const unsigned char* md, unsigned len) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) out += {hex[md[i] >> 4], hex[md[i] & 15]};
  return out;
}
class Md5 {
 public:
  Md5() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_md5(), nullptr) != 1) throw Error("OpenSSL: cannot start an MD5");
  }
  void update(const void* data, std::size_t size) { EVP_DigestUpdate(ctx_.get(), data, size); }
  BodyDigest finish() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), md, &len);
    BodyDigest d;
    d.hex = lower_hex(md, len);
    d.base64.resize(4 * ((len + 2) / 3));
    EVP_EncodeBlock(reinterpret_cast<unsigned char*>(d.base64.data()), md, static_cast<int>(len));
    return d;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

// A body read into memory, with its MD5.
struct Body {
  std::string_view data;
  BodyDigest md5;
};

// Reads exactly `size` bytes of a source into this thread's upload buffer,
// hashing each piece with MD5 as it lands (still in the cache: one pass over
// the bytes, not a second read of up to 16 MiB afterwards). The buffer is
// reused: a sync puts thousands of objects, and a fresh string per object
// paid a page fault per 4 KiB plus a zero fill. It holds at most one object
// or part (the multipart threshold), per transfer thread.
Body read_body(const ByteSource& source, std::uint64_t size, const std::string& what) {
  thread_local std::unique_ptr<char[]> buffer;
  thread_local std::uint64_t capacity = 0;
  if (capacity < size) {
    buffer.reset();
    buffer.reset(new char[size]);
    capacity = size;
  }
  Md5 md5;
  std::uint64_t got = 0;
  while (got < size) {
    const auto n = source(buffer.get() + got, static_cast<std::size_t>(size - got));
    if (n == 0)
      throw Error(what + ": the source gave " + std::to_string(got) + " of " + std::to_string(size) + " bytes");
    md5.update(buffer.get() + got, n);
    got += n;
  }
  return {{buffer.get(), size}, md5.finish()};
}

// The request body is `data` (which outlives the request), read afresh on
// every attempt so retries resend it.
void resend_from(http::Request& req, std::string_view data) {
  req.body_size = data.size();
  req.body_source = [data] { return memory_source(data); };
}

bool looks_like_md5(const std::string& etag) {
  return etag.size() == 32 && etag.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// An ETag that is an MD5 must be ours; one that is not (SSE-KMS objects) was
// already vouched for by the server's Content-MD5 check.
void check_stored(const std::string& etag, const BodyDigest& sent, const std::string& what) {
  if (looks_like_md5(etag) && etag != sent.hex)
    throw Error(what + ": the server stored different bytes (ETag " + etag + ", sent MD5 " + sent.hex + ")");
}

boost::property_tree::ptree parse_xml(const std::string& body, const std::string& what) {
  boost::property_tree::ptree tree;
  std::istringstream in(body);
  try {
    boost::property_tree::read_xml(in, tree);
  } catch (const std::exception& e) {
    throw Error(what + ": malformed XML reply: " + e.what());
  }
  return tree;
}

}  // namespace

S3Store::S3Store(std::string url, S3Settings settings, S3StoreOptions options)
    : url_(std::move(url)), settings_(std::move(settings)), options_(std::move(options)) {
  auto where = parse_bucket_url(url_, "s3");
  bucket_ = std::move(where.bucket);
  prefix_ = std::move(where.prefix);
  if (settings_.endpoint_url.empty()) {
    scheme_ = "https";
    path_style_ = bucket_.find('.') != std::string::npos;
    endpoint_host_ = "s3." + settings_.region + ".amazonaws.com";
  } else {
    auto p = settings_.endpoint_url.find("://");
    scheme_ = settings_.endpoint_url.substr(0, p);
    endpoint_host_ = settings_.endpoint_url.substr(p + 3);
    while (!endpoint_host_.empty() && endpoint_host_.back() == '/') endpoint_host_.pop_back();
    path_style_ = true;  // S3-compatible servers (MinIO, s3rver, Ceph) expect path-style
  }
  if (!settings_.credentials.secret_access_key.empty())
    options_.http.secrets.push_back(settings_.credentials.secret_access_key);
  if (!settings_.credentials.session_token.empty()) options_.http.secrets.push_back(settings_.credentials.session_token);
  client_ = std::make_unique<http::Client>(options_.http);
}

std::string S3Store::object_key(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "/" + std::string(key);
}

S3Store::Target S3Store::target(const std::string& key,
                                const std::vector<std::pair<std::string, std::string>>& query) const {
  Target t;
  if (path_style_) {
    t.host = endpoint_host_;
    t.path = "/" + bucket_ + (key.empty() ? "/" : "/" + key);
  } else {
    t.host = bucket_ + "." + endpoint_host_;
    t.path = "/" + key;
  }
  t.url = scheme_ + "://" + t.host + encode_path(t.path);
  std::string q;
  for (const auto& [k, v] : query) q += (q.empty() ? "?" : "&") + encode_query_component(k) + "=" + encode_query_component(v);
  t.url += q;
  return t;
}

http::Request S3Store::signed_request(const std::string& method, const std::string& key,
                                      std::vector<std::pair<std::string, std::string>> query,
                                      std::vector<std::pair<std::string, std::string>> headers,
                                      const std::string& payload_sha256) const {
  auto t = target(key, query);
  http::Request r;
  r.method = method;
  r.url = t.url;
  if (settings_.credentials.empty()) {  // anonymous (public buckets)
    r.headers = std::move(headers);
    return r;
  }
  SignedRequestInput in;
  in.method = method;
  in.host = t.host;
  in.path = t.path;
  in.query = std::move(query);
  in.headers = std::move(headers);
  in.payload_sha256 = payload_sha256;
  in.region = settings_.region;
  in.time = std::chrono::system_clock::now();
  r.headers = sign_v4(in, settings_.credentials).headers;
  return r;
}

void S3Store::list(std::string_view prefix, const std::function<void(const ObjectInfo&)>& visit) {
  const auto full_prefix = prefix_.empty() ? std::string(prefix) : prefix_ + "/" + std::string(prefix);
  std::string token;
  for (;;) {
    std::vector<std::pair<std::string, std::string>> q = {{"list-type", "2"}, {"prefix", full_prefix}};
    if (!token.empty()) q.emplace_back("continuation-token", token);
    if (options_.list_page_size > 0) q.emplace_back("max-keys", std::to_string(options_.list_page_size));
    auto req = signed_request("GET", "", q, {}, hex_sha256(""));
    auto what = url_ + ": listing '" + std::string(prefix) + "'";
    auto res = client_->send(req);
    if (res.status == 404)  // objects' 404s are stat's and get's: on a listing it is the bucket
      throw MirrorNotFound(url_, "the bucket '" + bucket_ + "' does not exist");
    http::check(res, what);
    auto tree = parse_xml(res.body, what);
    auto& root = tree.get_child("ListBucketResult");
    for (const auto& [name, node] : root) {
      if (name != "Contents") continue;
      ObjectInfo info;
      auto key = node.get<std::string>("Key");
      info.key = prefix_.empty() ? key : key.substr(prefix_.size() + 1);
      info.size = node.get<std::uint64_t>("Size", 0);
      info.etag = strip_quotes(node.get<std::string>("ETag", ""));
      info.modified = parse_time(node.get<std::string>("LastModified", ""), "%Y-%m-%dT%H:%M:%S");
      visit(info);
    }
    if (root.get<std::string>("IsTruncated", "false") != "true") break;
    token = root.get<std::string>("NextContinuationToken", "");
    if (token.empty()) throw Error(what + ": truncated listing without a continuation token");
  }
}

std::optional<ObjectInfo> S3Store::stat(std::string_view key) {
  auto req = signed_request("HEAD", object_key(key), {}, {}, hex_sha256(""));
  req.head = true;
  auto res = client_->send(req);
  if (res.status == 404) return std::nullopt;
  http::check(res, url_ + ": " + std::string(key));
  ObjectInfo info;
  info.key = key;
  info.size = std::stoull(res.header("content-length").empty() ? "0" : res.header("content-length"));
  info.etag = strip_quotes(res.header("etag"));
  info.modified = parse_time(res.header("last-modified"), "%a, %d %b %Y %H:%M:%S");
  return info;
}

void S3Store::get(std::string_view key, const ByteSink& sink) {
  auto req = signed_request("GET", object_key(key), {}, {}, hex_sha256(""));
  // The bytes are hashed on their way to the sink and checked against the
  // ETag where it is their MD5 (single-PUT objects): a body damaged in
  // transit throws here, after its last byte but before the caller has
  // taken it as complete (a sync then publishes nothing).
  Md5 md5;
  auto res = client_->send(req, [&](const char* d, std::size_t n) {
    md5.update(d, n);
    return sink(d, n);
  });
  if (res.status == 404) throw Error(url_ + ": object '" + std::string(key) + "' does not exist");
  http::check(res, url_ + ": " + std::string(key));
  const auto etag = strip_quotes(res.header("etag"));
  if (!looks_like_md5(etag)) return;
  const auto got = md5.finish().hex;
  if (got != etag)
    throw http::HttpError(url_ + ": " + std::string(key) + ": the body received has MD5 " + got +
                              ", the object's ETag is " + etag + " (damaged in transit)",
                          0, true);
}

ObjectInfo S3Store::put(std::string_view key_view, std::uint64_t size, const ByteSource& source,
                        const PutOptions& options) {
  const std::string key(key_view);
  if (size > options_.multipart_threshold) return put_multipart(key, size, source, options);
  // Small objects are read once so a retry can resend them.
  const auto [body, md5] = read_body(source, size, url_ + ": " + key);
  std::vector<std::pair<std::string, std::string>> headers;
  if (!options.content_type.empty()) headers.emplace_back("Content-Type", options.content_type);
  if (!options.if_match.empty()) headers.emplace_back("If-Match", "\"" + options.if_match + "\"");
  if (options.if_none_match) headers.emplace_back("If-None-Match", "*");
  headers.emplace_back("Content-MD5", md5.base64);
  auto req = signed_request("PUT", object_key(key), {}, headers, kUnsignedPayload);
  resend_from(req, body);
  auto res = client_->send(req);
  if (res.status == 412)
    throw PreconditionFailed(url_ + ": " + key + ": precondition failed (changed or created by another writer)");
  http::check(res, url_ + ": PUT " + key);
  ObjectInfo info;
  info.key = key;
  info.size = size;
  info.etag = strip_quotes(res.header("etag"));
  check_stored(info.etag, md5, url_ + ": PUT " + key);
  info.modified = std::chrono::system_clock::now();
  return info;
}

ObjectInfo S3Store::put_multipart(const std::string& key, std::uint64_t size, const ByteSource& source,
                                  const PutOptions& options) {
  const auto okey = object_key(key);
  const auto what = url_ + ": multipart upload of " + key;
  std::vector<std::pair<std::string, std::string>> headers;
  if (!options.content_type.empty()) headers.emplace_back("Content-Type", options.content_type);
  auto create = signed_request("POST", okey, {{"uploads", ""}}, headers, hex_sha256(""));
  auto res = client_->send(create);
  http::check(res, what);
  auto upload_id = parse_xml(res.body, what).get<std::string>("InitiateMultipartUploadResult.UploadId", "");
  if (upload_id.empty()) throw Error(what + ": no UploadId in the reply");
  auto abort = [&] {
    try {
      client_->send(signed_request("DELETE", okey, {{"uploadId", upload_id}}, {}, hex_sha256("")));
    } catch (...) {
    }
  };
  std::string complete = "<CompleteMultipartUpload>";
  try {
    std::uint64_t sent = 0;
    int part = 0;
    while (sent < size) {
      const auto want = std::min<std::uint64_t>(options_.part_size, size - sent);
      const auto [buf, md5] = read_body(source, want, what + " (part " + std::to_string(part + 1) + ")");
      ++part;
      auto req = signed_request("PUT", okey, {{"partNumber", std::to_string(part)}, {"uploadId", upload_id}},
                                {{"Content-MD5", md5.base64}}, kUnsignedPayload);
      resend_from(req, buf);
      auto pres = client_->send(req);
      const auto part_what = what + " (part " + std::to_string(part) + ")";
      http::check(pres, part_what);
      check_stored(strip_quotes(pres.header("etag")), md5, part_what);
      complete += "<Part><PartNumber>" + std::to_string(part) + "</PartNumber><ETag>" + pres.header("etag") +
                  "</ETag></Part>";
      sent += want;
    }
    complete += "</CompleteMultipartUpload>";
    // The conditions apply where the object appears: at completion (S3
    // checks If-Match / If-None-Match on CompleteMultipartUpload).
    std::vector<std::pair<std::string, std::string>> complete_headers = {{"Content-Type", "application/xml"}};
    if (!options.if_match.empty()) complete_headers.emplace_back("If-Match", "\"" + options.if_match + "\"");
    if (options.if_none_match) complete_headers.emplace_back("If-None-Match", "*");
    auto req = signed_request("POST", okey, {{"uploadId", upload_id}}, complete_headers, hex_sha256(complete));
    req.body = complete;
    auto cres = client_->send(req);
    if (cres.status == 412)
      throw PreconditionFailed(what + ": precondition failed (changed or created by another writer)");
    http::check(cres, what + " (complete)");
    if (cres.body.find("<Error>") != std::string::npos) throw Error(what + ": " + cres.body.substr(0, 300));
    ObjectInfo info;
    info.key = key;
    info.size = size;
    info.etag = strip_quotes(parse_xml(cres.body, what).get<std::string>("CompleteMultipartUploadResult.ETag", ""));
    info.modified = std::chrono::system_clock::now();
    return info;
  } catch (...) {
    abort();
    throw;
  }
}

void S3Store::remove(std::string_view key) {
  auto res = client_->send(signed_request("DELETE", object_key(key), {}, {}, hex_sha256("")));
  if (res.status == 404) return;
  http::check(res, url_ + ": DELETE " + std::string(key));
}

std::unique_ptr<MirrorStore> S3MirrorBackend::open(const std::string& url, const nlohmann::json& settings) {
  return std::make_unique<S3Store>(url, resolve_settings(settings));
}

}  // namespace spackext::mirrors::s3
