// One repository of an OCI registry (Docker distribution API v2) as a mirror
// store holding Spack's OCI buildcache layout, under the keys a registry dump
// on disk has (so scanning, verifying and syncing work the same on both):
//
//   tags/list              GET /v2/<name>/tags/list, every page (Link: rel="next")
//                          merged into one {"name": ..., "tags": [...]}
//   manifests/<tag|digest> GET/HEAD/PUT /v2/<name>/manifests/<ref>
//   blobs/sha256/<hex>     GET/HEAD /v2/<name>/blobs/sha256:<hex>, uploads
//
// - A registry cannot list blobs, so list() derives the listing: tags/list,
//   manifests/<tag> for every tag (size and etag = digest from its GET), and
//   blobs/sha256/<hex> for every config and layer those manifests reference
//   (size from the descriptor), each once. Blobs no tag references are not
//   listed; image indexes' child manifests are not followed (Spack writes none).
// - put("tags/list") consumes the bytes and stores nothing: a registry's tags
//   exist exactly when manifests were put under them, so the list cannot be
//   written, only derived. A dump's tags/list is therefore redundant here.
// - Blob uploads: POST an upload session, then one PUT ?digest= (blobs up to
//   `chunk_threshold`) or PATCH chunks with Content-Range and a final empty
//   PUT, taking the new Location each time. The bytes stream from the source
//   (nothing is buffered whole, so an upload is not retried) and are hashed
//   on the way: a blob whose content is not its key's digest is refused
//   before the registry commits it. A blob the registry has is not re-sent.
// - Conditional puts (if_match / if_none_match) compare the manifest's digest
//   with a HEAD just before the PUT: registries have no conditional writes, so
//   a writer between the two is not detected.
// - remove("manifests/<tag>") deletes the manifest by digest (registries
//   refuse deletes by tag), which drops every tag pointing at that manifest.
//   A registry that does not allow deletes (405) is an Error saying so; it
//   answers that even for an object it does not hold, so removing an absent
//   blob tells whether deletes are allowed before anything depends on it.
// - Any other key does not exist, and putting one is an InputError.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spackext/http/client.hpp>
#include <spackext/services/mirror.hpp>

#include "credentials.hpp"
#include "image_reference.hpp"
#include "registry_auth.hpp"

namespace spackext::mirrors::oci {

inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

struct OciStoreOptions {
  std::uint64_t chunk_threshold = 32ull << 20;  // larger blobs go in PATCH chunks
  std::uint64_t chunk_size = 16ull << 20;
  int list_jobs = 8;                             // manifests fetched at once by list()
  http::ClientOptions http;
};

class OciStore final : public MirrorStore, public VerifiesPuts {
 public:
  OciStore(std::string url, RegistryCredentials credentials, OciStoreOptions options = {});
  std::string url() const override { return url_; }
  bool pushable() const override { return true; }
  void list(std::string_view prefix, const std::function<void(const ObjectInfo&)>& visit) override;
  std::optional<ObjectInfo> stat(std::string_view key) override;
  void get(std::string_view key, const ByteSink& sink) override;
  ObjectInfo put(std::string_view key, std::uint64_t size, const ByteSource& source,
                 const PutOptions& options = {}) override;
  void remove(std::string_view key) override;

  const RepositoryLocation& location() const { return location_; }
  // Every tag, all pages merged; nullopt when the repository does not exist.
  std::optional<std::vector<std::string>> tags();

 private:
  enum class Access { pull, push, remove };
  http::Response send(http::Request request, Access access, const std::string& object, const http::BodySink& sink = {});
  std::string where(std::string_view key) const;
  void check_delete(const http::Response& res, const std::string& key) const;
  std::optional<std::string> tags_document();
  ObjectInfo put_manifest(const std::string& key, const std::string& ref, std::uint64_t size, const ByteSource& source,
                          const PutOptions& options);
  ObjectInfo put_blob(const std::string& key, const std::string& hex, std::uint64_t size, const ByteSource& source);
  std::string absolute(const std::string& location) const;

  std::string url_;
  RepositoryLocation location_;
  OciStoreOptions options_;
  std::unique_ptr<http::Client> client_;
  std::unique_ptr<RegistryAuth> auth_;
};

class OciMirrorBackend final : public MirrorBackend {
 public:
  // settings: the mirror's entry (access_pair; ca_bundle, else SPACK_EXT_CA_BUNDLE).
  std::unique_ptr<MirrorStore> open(const std::string& url, const nlohmann::json& settings) override;
};

}  // namespace spackext::mirrors::oci
