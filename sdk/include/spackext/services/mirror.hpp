// `mirror` services: object stores holding Spack buildcaches, chosen by URL
// scheme (file, https, s3, gs, oci, ...). A backend opens a store for a URL;
// the store lists, reads and writes objects by key (a path below the mirror
// root), streaming: no call buffers a whole object.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "spackext/errors.hpp"
#include "spackext/service.hpp"

namespace spackext {

struct ObjectInfo {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;  // opaque version tag, empty if the store has none
  std::optional<std::chrono::system_clock::time_point> modified;
  // The sha256 of the content (lowercase hex) when the store itself keeps
  // and checks one (an OCI registry's blob digest); empty otherwise. An S3
  // ETag or GCS md5Hash is not one: callers re-hash where this is empty.
  std::string sha256;
};

// A conditional put (PutOptions::if_match / if_none_match) whose condition
// did not hold: another writer replaced or created the object first. Callers
// catch this type (never match "precondition" in a message) to re-read and
// retry.
class PreconditionFailed : public Error {
 public:
  explicit PreconditionFailed(const std::string& what) : Error(what, kExitFailure) {}
};

// A store that cannot make a put conditional atomically (the check and the
// write are separate requests, so another writer could slip in between)
// refuses the condition with this instead of pretending to honour it.
class ConditionsUnsupported : public Error {
 public:
  explicit ConditionsUnsupported(const std::string& what) : Error(what, kExitFailure) {}
};

// The mirror itself does not exist: a file:// root that is not a folder, an
// S3/GCS bucket or registry repository that is not there. list() throws it
// (exit 2, naming the mirror) so a wrong path is never taken for an empty
// cache; a writer that creates the mirror (sync to a new folder) catches it.
class MirrorNotFound : public InputError {
 public:
  MirrorNotFound(const std::string& mirror, const std::string& what) : InputError(mirror, what) {}
};

// Receives an object's bytes in order; return false to abort the transfer.
using ByteSink = std::function<bool(const char* data, std::size_t size)>;
// Fills `buffer` with up to `capacity` bytes; returns 0 at the end.
using ByteSource = std::function<std::size_t(char* buffer, std::size_t capacity)>;

// Conditions are honoured atomically by the store or refused with
// ConditionsUnsupported; a condition that fails throws PreconditionFailed.
struct PutOptions {
  std::string content_type;
  std::string if_match;  // only replace the object if its etag still is this
  bool if_none_match = false;  // only create, never replace
};

// A store is used from several threads at once (verify and sync run --jobs
// transfers on one store): every method must be safe to call concurrently.
class MirrorStore {
 public:
  virtual ~MirrorStore() = default;
  virtual std::string url() const = 0;
  virtual bool pushable() const = 0;
  // Calls `visit` for every object whose key starts with `prefix`.
  // MirrorNotFound if the mirror itself (root, bucket, repository) does not exist.
  virtual void list(std::string_view prefix, const std::function<void(const ObjectInfo&)>& visit) = 0;
  virtual std::optional<ObjectInfo> stat(std::string_view key) = 0;
  virtual void get(std::string_view key, const ByteSink& sink) = 0;
  virtual ObjectInfo put(std::string_view key, std::uint64_t size, const ByteSource& source,
                         const PutOptions& options = {}) = 0;
  virtual void remove(std::string_view key) = 0;
};

// Optional second base of a MirrorStore whose put() proves that the store
// holds exactly the bytes it was given, or throws: the server checks a digest
// sent with the upload (an OCI registry's ?digest=), or answers with one the
// store compares (S3's MD5 ETag, GCS's md5Hash). Copying to such a store
// needs no read-back; copying to any other store reads the object back.
//   class MyStore final : public MirrorStore, public VerifiesPuts { ... };
class VerifiesPuts {
 public:
  virtual ~VerifiesPuts() = default;
};

inline bool verifies_puts(const MirrorStore& store) { return dynamic_cast<const VerifiesPuts*>(&store) != nullptr; }

// Optional second base of a MirrorStore whose listed etag changes whenever an
// object is written with other content (S3's ETag is the MD5 of what it
// stored): a listing then tells an object unchanged since it was last listed
// (same size, etag and modification time) from one that was replaced. The
// etag is still no digest of its own; it lets a caller that proved an
// object's sha256 once know that it still holds the same bytes.
class EtagsTrackContent {
 public:
  virtual ~EtagsTrackContent() = default;
};

inline bool etags_track_content(const MirrorStore& store) {
  return dynamic_cast<const EtagsTrackContent*>(&store) != nullptr;
}

// A ByteSource over bytes in memory, which the caller keeps alive until the
// transfer is done. Copies of it share one read position.
inline ByteSource memory_source(std::string_view data) {
  auto pos = std::make_shared<std::size_t>(0);
  return [data, pos](char* buffer, std::size_t capacity) {
    const std::size_t n = std::min(capacity, data.size() - *pos);
    std::memcpy(buffer, data.data() + *pos, n);
    *pos += n;
    return n;
  };
}

// "s3://bucket/a/b/" -> {"bucket", "a/b"}: object stores name a bucket and
// an optional key prefix. InputError if `url` lacks `scheme` ("s3") or a bucket.
struct BucketUrl {
  std::string bucket, prefix;  // prefix without a trailing '/'
};
inline BucketUrl parse_bucket_url(const std::string& url, const std::string& scheme) {
  const auto head = scheme + "://";
  if (url.rfind(head, 0) != 0) throw InputError(url, "expected a " + head + "bucket[/prefix] URL");
  const auto rest = url.substr(head.size());
  const auto slash = rest.find('/');
  BucketUrl b{rest.substr(0, slash), slash == std::string::npos ? std::string() : rest.substr(slash + 1)};
  while (!b.prefix.empty() && b.prefix.back() == '/') b.prefix.pop_back();
  if (b.bucket.empty()) throw InputError(url, head + " URL without a bucket (expected " + head + "bucket[/prefix])");
  return b;
}

// Reads exactly `size` bytes of `source` into `buffer`: stores that must
// hold a body (to resend it, or to digest it before sending) use it. Error
// naming `what` if the source ends early.
inline void read_exactly(const ByteSource& source, char* buffer, std::uint64_t size, const std::string& what) {
  std::uint64_t got = 0;
  while (got < size) {
    const auto n = source(buffer + got, static_cast<std::size_t>(size - got));
    if (n == 0)
      throw Error(what + ": the source gave " + std::to_string(got) + " of " + std::to_string(size) + " bytes");
    got += n;
  }
}

inline std::string read_exactly(const ByteSource& source, std::uint64_t size, const std::string& what) {
  std::string body(size, '\0');
  read_exactly(source, body.data(), size, what);
  return body;
}

// Stores a whole in-memory object (manifests, indexes, keys, probes).
inline ObjectInfo put_bytes(MirrorStore& store, std::string_view key, std::string_view data,
                            const PutOptions& options = {}) {
  return store.put(key, data.size(), memory_source(data), options);
}

class MirrorBackend : public Service {
 public:
  static constexpr const char* kKind = "mirror";
  // `settings` is the mirror's entry in the shape of Spack's mirrors.yaml
  // (url, access_pair, profile, endpoint_url, ...).
  virtual std::unique_ptr<MirrorStore> open(const std::string& url,
                                            const nlohmann::json& settings) = 0;
};

}  // namespace spackext
