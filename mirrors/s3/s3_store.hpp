// An S3 bucket (or a prefix in it) as a mirror store: s3://bucket[/prefix].
// Requests are signed with SigV4; objects above the multipart threshold are
// uploaded in parts (each part is buffered, the object never is).
#pragma once

#include <memory>
#include <string>

#include <spackext/http/client.hpp>
#include <spackext/services/mirror.hpp>

#include "credentials.hpp"

namespace spackext::mirrors::s3 {

struct S3StoreOptions {
  // Objects up to the threshold and each part are held in memory once (for
  // retries), in one reused buffer per transfer thread.
  std::uint64_t multipart_threshold = 16ull << 20;
  std::uint64_t part_size = 16ull << 20;  // >= 5 MiB (S3's minimum)
  int list_page_size = 0;                  // max-keys per ListObjectsV2 page; 0 = server default
  http::ClientOptions http;
};

// Every PUT carries Content-MD5 and its MD5 ETag is checked: a put either
// stored exactly the given bytes or throws (see VerifiesPuts). Every write
// gives an object a new ETag unless the bytes are the same (EtagsTrackContent).
class S3Store final : public MirrorStore, public VerifiesPuts, public EtagsTrackContent {
 public:
  S3Store(std::string url, S3Settings settings, S3StoreOptions options = {});
  std::string url() const override { return url_; }
  bool pushable() const override { return true; }
  void list(std::string_view prefix, const std::function<void(const ObjectInfo&)>& visit) override;
  std::optional<ObjectInfo> stat(std::string_view key) override;
  void get(std::string_view key, const ByteSink& sink) override;
  ObjectInfo put(std::string_view key, std::uint64_t size, const ByteSource& source,
                 const PutOptions& options = {}) override;
  void remove(std::string_view key) override;

 private:
  struct Target {
    std::string url;   // full request URL (encoded)
    std::string host;  // Host header
    std::string path;  // raw path for signing
  };
  Target target(const std::string& object_key,
                const std::vector<std::pair<std::string, std::string>>& query) const;
  http::Request signed_request(const std::string& method, const std::string& object_key,
                               std::vector<std::pair<std::string, std::string>> query,
                               std::vector<std::pair<std::string, std::string>> headers,
                               const std::string& payload_sha256) const;
  std::string object_key(std::string_view key) const;
  ObjectInfo put_multipart(const std::string& key, std::uint64_t size, const ByteSource& source,
                           const PutOptions& options);

  std::string url_, bucket_, prefix_;
  S3Settings settings_;
  S3StoreOptions options_;
  std::string scheme_, endpoint_host_;  // http/https, host[:port]
  bool path_style_ = true;
  std::unique_ptr<http::Client> client_;
};

class S3MirrorBackend final : public MirrorBackend {
 public:
  std::unique_ptr<MirrorStore> open(const std::string& url, const nlohmann::json& settings) override;
};

}  // namespace spackext::mirrors::s3
