// A web server directory as a mirror store: https://host[:port]/path (or
// http://). Reading needs nothing but GET/HEAD, so any static web server can
// serve a buildcache. Listing and writing need WebDAV (RFC 4918): PROPFIND
// walks directories, PUT + MOVE publish an object atomically, DELETE removes
// it. Tested against nginx with ngx_http_dav_module and dav-ext.
#pragma once

#include <memory>
#include <string>

#include <spackext/http/client.hpp>
#include <spackext/services/mirror.hpp>

#include "settings.hpp"

namespace spackext::mirrors::https {

struct HttpsStoreOptions {
  // Uploads up to this size are read into memory first, so a transient
  // failure can resend them; larger ones stream once from the source.
  std::uint64_t replayable_upload_limit = 1ull << 20;
  http::ClientOptions http;
};

// Marks temporary upload names; listings never show them.
inline constexpr std::string_view kTempMarker = ".spackext-tmp-";

class HttpsStore final : public MirrorStore {
 public:
  HttpsStore(std::string url, HttpsSettings settings, HttpsStoreOptions options = {});
  std::string url() const override { return url_; }
  bool pushable() const override { return true; }
  void list(std::string_view prefix, const std::function<void(const ObjectInfo&)>& visit) override;
  std::optional<ObjectInfo> stat(std::string_view key) override;
  void get(std::string_view key, const ByteSink& sink) override;
  ObjectInfo put(std::string_view key, std::uint64_t size, const ByteSource& source,
                 const PutOptions& options = {}) override;
  void remove(std::string_view key) override;

  // Bytes [offset, offset + length) of an object through an HTTP Range
  // request; length 0 means to the end. A server that ignores the range is an
  // Error (bytes already given to the sink are not taken back).
  void get_range(std::string_view key, std::uint64_t offset, std::uint64_t length, const ByteSink& sink);

 private:
  std::string object_url(std::string_view key) const;
  http::Request request(const std::string& method, const std::string& url) const;
  // Sends; transport failures become Errors naming the mirror (TLS ones say
  // how to trust the server).
  http::Response send(const http::Request& request, const std::string& action, std::string_view key,
                      const http::BodySink& sink = {});
  // Turns a failed status into the Error a user can act on.
  [[noreturn]] void fail(const http::Response& response, const std::string& action, std::string_view key) const;
  void walk(const std::string& dir, std::string_view prefix, const std::function<void(const ObjectInfo&)>& visit);
  // PUT of `key`'s bytes to `temp_key` (messages name `key`).
  void upload(const std::string& temp_key, const std::string& key, std::uint64_t size, const ByteSource& source,
              const std::string& content_type);
  void remove_quietly(const std::string& key) noexcept;

  std::string url_;        // as configured
  std::string base_url_;   // without a trailing '/'
  std::string base_path_;  // decoded URL path of the root, ending in '/'
  HttpsSettings settings_;
  HttpsStoreOptions options_;
  std::unique_ptr<http::Client> client_;
};

class HttpsMirrorBackend final : public MirrorBackend {
 public:
  std::unique_ptr<MirrorStore> open(const std::string& url, const nlohmann::json& settings) override;
};

}  // namespace spackext::mirrors::https
