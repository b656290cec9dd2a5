// A Google Cloud Storage bucket (or a prefix in it) as a mirror store:
// gs://bucket[/prefix], over the GCS JSON API v1. Objects up to one chunk go
// in a single media upload; larger ones through a resumable upload session,
// one chunk buffered at a time, resuming from the offset the server reports
// after a failed chunk. The object's generation is its etag, so PutOptions
// preconditions map to ifGenerationMatch.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <spackext/http/client.hpp>
#include <spackext/services/mirror.hpp>

#include "credentials.hpp"

namespace spackext::mirrors::gcs {

inline constexpr std::uint64_t kChunkGranularity = 256 * 1024;  // resumable chunks are multiples of this

struct GcsStoreOptions {
  std::uint64_t chunk_size = 8ull << 20;           // a multiple of 256 KiB
  std::uint64_t resumable_threshold = 8ull << 20;  // larger objects use a resumable session
  int list_page_size = 0;                          // maxResults per objects.list page; 0 = server default
  int max_chunk_attempts = 5;                      // per chunk, each resuming where the server stopped
  http::ClientOptions http;
  ServiceAccountTokens::Clock clock;  // for token expiry (tests move it forward)
};

// An upload is checked against the md5Hash GCS reports for what it stored
// (an object without one is read back): a put stores exactly the given
// bytes or throws (VerifiesPuts).
class GcsStore final : public MirrorStore, public VerifiesPuts {
 public:
  GcsStore(std::string url, GcsSettings settings, GcsStoreOptions options = {});
  std::string url() const override { return url_; }
  bool pushable() const override { return true; }
  void list(std::string_view prefix, const std::function<void(const ObjectInfo&)>& visit) override;
  std::optional<ObjectInfo> stat(std::string_view key) override;
  void get(std::string_view key, const ByteSink& sink) override;
  ObjectInfo put(std::string_view key, std::uint64_t size, const ByteSource& source,
                 const PutOptions& options = {}) override;
  void remove(std::string_view key) override;

  // Token exchanges so far (0 without a service account).
  int token_exchanges() const { return tokens_ ? tokens_->exchanges() : 0; }

 private:
  struct Clients {
    std::shared_ptr<http::Client> normal;  // retries transient failures itself
    std::shared_ptr<http::Client> chunk;   // single attempt: chunk retries must resume at the server's offset
    std::string token;
  };
  Clients clients();
  // Sends with the current bearer token; on a 401 with a service account,
  // exchanges a new token and sends once more.
  http::Response execute(http::Request request, const http::BodySink& sink = {}, bool chunk = false);
  [[noreturn]] void fail(const http::Response& res, const std::string& object, const std::string& action) const;
  std::string object_name(std::string_view key) const;
  std::string object_path(const std::string& name) const;
  std::string upload_url(const std::string& name, const char* upload_type, const PutOptions& options) const;
  ObjectInfo to_info(const std::string& key, const std::string& body, const std::string& what) const;
  // The object resource an upload returned, which must hold all `size` bytes
  // whose MD5 (base64) is `md5`.
  ObjectInfo checked_upload(const std::string& key, std::uint64_t size, const std::string& body,
                            const std::string& md5);
  ObjectInfo put_resumable(const std::string& key, std::uint64_t size, const ByteSource& source,
                           const PutOptions& options);
  std::string credential_description() const;

  std::string url_, bucket_, prefix_;
  GcsSettings settings_;
  GcsStoreOptions options_;
  std::unique_ptr<ServiceAccountTokens> tokens_;
  std::mutex clients_mutex_;
  Clients clients_;
};

class GcsMirrorBackend final : public MirrorBackend {
 public:
  std::unique_ptr<MirrorStore> open(const std::string& url, const nlohmann::json& settings) override;
};

}  // namespace spackext::mirrors::gcs
