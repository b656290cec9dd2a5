#include "oci_store.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include <spackext/errors.hpp>

#include "pagination.hpp"
#include "sha256.hpp"

namespace spackext::mirrors::oci {

namespace {

using Json = nlohmann::json;

// Registries cap manifests at 4 MiB; a manifest is the one object read whole.
constexpr std::uint64_t kMaxManifestSize = 4ull << 20;

const std::string kManifestAccept = std::string(kOciManifest) + ", " + kOciIndex + ", " + kDockerManifest + ", " +
                                    kDockerManifestList;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool is_sha256_hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

struct Key {
  enum Kind { tags, manifest, blob, other } kind = other;
  std::string ref;  // manifest reference or blob hex
};

Key classify(std::string_view key) {
  if (key == "tags/list") return {Key::tags, {}};
  if (starts_with(key, "manifests/")) {
    auto ref = std::string(key.substr(10));
    if (!ref.empty() && ref.find('/') == std::string::npos) return {Key::manifest, ref};
  }
  if (starts_with(key, "blobs/sha256/")) {
    auto hex = std::string(key.substr(13));
    if (is_sha256_hex(hex)) return {Key::blob, hex};
  }
  return {Key::other, {}};
}

std::uint64_t content_length(const http::Response& r) {
  auto v = r.header("content-length");
  return v.empty() ? 0 : std::stoull(v);
}

// A key in the listing matches `prefix`; a family ("manifests/") can hold
// matching keys.
bool family_may_match(std::string_view prefix, std::string_view family) {
  return starts_with(prefix, family) || starts_with(family, prefix);
}

std::string render_tags(const std::string& repository, const std::vector<std::string>& tags) {
  return Json{{"name", repository}, {"tags", tags}}.dump();
}

// Reads and hashes `size` bytes the caller must consume anyway.
std::string drain(const ByteSource& source, std::uint64_t size, const std::string& where) {
  Sha256Stream h;
  char buf[64 * 1024];
  std::uint64_t got = 0;
  while (got < size) {
    auto n = source(buf, std::min<std::uint64_t>(sizeof buf, size - got));
    if (n == 0) throw Error(where + ": the source gave " + std::to_string(got) + " of " + std::to_string(size) + " bytes");
    h.update(buf, n);
    got += n;
  }
  return h.hex();
}

}  // namespace

OciStore::OciStore(std::string url, RegistryCredentials credentials, OciStoreOptions options)
    : url_(std::move(url)), location_(parse_mirror_url(url_)), options_(std::move(options)) {
  if (options_.chunk_size == 0) throw InputError(url_, "chunk size must be positive");
  if (!credentials.password.empty()) {
    options_.http.secrets.push_back(credentials.password);
    options_.http.secrets.push_back(base64(credentials.username + ":" + credentials.password));
  }
  client_ = std::make_unique<http::Client>(options_.http);
  auth_ = std::make_unique<RegistryAuth>(*client_, credentials, url_, !location_.tls);
}

std::string OciStore::where(std::string_view key) const { return url_ + ": " + std::string(key); }

http::Response OciStore::send(http::Request request, Access access, const std::string& object,
                              const http::BodySink& sink) {
  const std::string scope = "repository:" + location_.repository +
                            (access == Access::pull ? ":pull" : access == Access::push ? ":pull,push" : ":delete");
  auto attempt = [&] {
    http::Request r = request;
    if (auto a = auth_->authorization(scope); !a.empty()) r.headers.emplace_back("Authorization", a);
    return client_->send(r, sink);
  };
  auto res = attempt();
  if (res.status != 401) return res;
  auth_->on_unauthorized(res, scope, object);
  res = attempt();
  if (res.status == 401)
    throw InputError("mirror '" + url_ + "': " + object,
                     auth_->basic_header().empty()
                         ? "the registry requires credentials; set access_pair in the mirror's configuration"
                         : "the registry refused the credentials from the mirror's access_pair");
  return res;
}

std::string OciStore::absolute(const std::string& location) const {
  if (location.find("://") != std::string::npos) return location;
  if (!location.empty() && location.front() == '/') return location_.base_url + location;
  return location_.base_url + "/" + location;
}

std::optional<std::vector<std::string>> OciStore::tags() {
  std::vector<std::string> out;
  std::string url = location_.api("tags/list");
  std::set<std::string> seen_pages;  // a registry repeating a page must not loop us forever
  while (seen_pages.insert(url).second) {
    auto res = send({.method = "GET", .url = url}, Access::pull, "tags/list");
    if (res.status == 404 && out.empty()) return std::nullopt;  // NAME_UNKNOWN: no repository yet
    http::check(res, where("tags/list"));
    append_tags_page(res.body, where("tags/list"), out);
    auto next = next_page_url(res.header("link"), url);
    if (!next) break;
    url = *next;
  }
  return out;
}

std::optional<std::string> OciStore::tags_document() {
  auto t = tags();
  if (!t) return std::nullopt;
  return render_tags(location_.repository, *t);
}

void OciStore::list(std::string_view prefix, const std::function<void(const ObjectInfo&)>& visit) {
  const bool want_tags = starts_with("tags/list", prefix);
  const bool want_manifests = family_may_match(prefix, "manifests/");
  const bool want_blobs = family_may_match(prefix, "blobs/sha256/");
  if (!want_tags && !want_manifests && !want_blobs) return;  // e.g. "v3/": nothing a registry holds
  // Each tag's manifest, fetched a few at a time; reported in tag order.
  struct Fetched {
    std::string body, digest;
    std::string error;
    bool gone = false;
  };
  std::vector<std::string> t;  // the tag list the listing reports: the last one read
  std::map<std::string, Fetched> fetched;
  auto fetch = [&](const std::vector<std::string>& names) {
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
      for (std::size_t i; (i = next++) < names.size();) {
        const auto key = "manifests/" + names[i];
        Fetched& f = fetched.at(names[i]);  // the map is filled before the threads start
        try {
          auto res = send({.method = "GET", .url = location_.api(key), .headers = {{"Accept", kManifestAccept}}},
                          Access::pull, key);
          if (res.status == 404) {  // untagged since the tag list was read
            f.gone = true;
            continue;
          }
          http::check(res, where(key));
          f.body = std::move(res.body);
          const auto actual = "sha256:" + sha256_hex(f.body);
          f.digest = res.header("docker-content-digest");
          if (f.digest.empty()) f.digest = actual;
          if (starts_with(f.digest, "sha256:") && f.digest != actual)
            throw Error(where(key) + ": content hashes to " + actual + ", not its digest " + f.digest);
        } catch (const std::exception& e) {
          f.error = e.what();
        }
      }
    };
    std::vector<std::thread> threads;
    const auto n = std::clamp<std::size_t>(static_cast<std::size_t>(std::max(1, options_.list_jobs)), 1, names.size());
    for (std::size_t i = 1; i < n; ++i) threads.emplace_back(worker);
    worker();
    for (auto& th : threads) th.join();
  };
  // A tag whose manifest is gone was untagged since the list was read, or
  // the list was damaged on the way (a tag name with a flipped byte), or the
  // tag is dangling: distribution untags what a manifest delete finds, and a
  // tag pushed during that delete can be left pointing at nothing, listed for
  // good with no manifest behind it. So the list is read again; names not yet
  // in hand are fetched (a misread name's true name among them), and a gone
  // tag still listed is fetched once more: gone again, it is dangling and
  // names no object, as its GET and HEAD say. The listing ends on a tag list
  // whose every other tag has its manifest in hand, so a spec is never left
  // out because its tag was misread. Other writers at work (a second prune's
  // journal tag coming and going, a push) only add rounds.
  std::map<std::string, int> times_gone;
  constexpr int kRounds = 8;
  for (int round = 1;; ++round) {
    auto listed = tags();
    if (!listed) throw MirrorNotFound(url_, "the registry has no repository '" + location_.repository + "'");
    t = std::move(*listed);
    if (!want_manifests && !want_blobs) break;
    std::vector<std::string> missing;
    for (const auto& tag : t) {
      auto [it, added] = fetched.try_emplace(tag);
      if (added || (it->second.gone && times_gone[tag] < 2)) {
        it->second = Fetched{};
        missing.push_back(tag);
      }
    }
    if (missing.empty()) break;
    if (round > kRounds)
      throw Error(where("tags/list") + ": the tag list changed while it was read, " + std::to_string(kRounds) +
                  " times (pushes or deletes at the same time, or damaged on the way); try again");
    fetch(missing);
    bool read_again = false;
    for (const auto& tag : missing)
      if (fetched.at(tag).gone) read_again |= ++times_gone[tag] < 2;  // a second miss is an answer, not a doubt
    if (!read_again) break;
  }
  if (want_tags) {
    auto doc = render_tags(location_.repository, t);
    visit(ObjectInfo{"tags/list", doc.size(), {}, std::nullopt});
  }
  if (!want_manifests && !want_blobs) return;
  std::set<std::string> blobs_seen;
  for (const auto& tag : t) {
    const auto key = "manifests/" + tag;
    const Fetched& f = fetched.at(tag);
    if (!f.error.empty()) throw Error(f.error);
    if (f.gone) continue;  // dangling
    if (want_manifests && starts_with(key, prefix)) visit(ObjectInfo{key, f.body.size(), f.digest, std::nullopt});
    if (!want_blobs) continue;
    auto doc = Json::parse(f.body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) throw InputError(where(key), "manifest is not a JSON object");
    std::vector<const Json*> descriptors;
    if (doc.contains("config") && doc["config"].is_object()) descriptors.push_back(&doc["config"]);
    if (doc.contains("layers") && doc["layers"].is_array())
      for (const auto& l : doc["layers"]) descriptors.push_back(&l);
    for (const auto* d : descriptors) {
      // A registry's reply: descriptors of another shape are not ours to list
      // (the buildcache scanner reports them), never a JSON type error here.
      if (!d->is_object() || !d->contains("digest") || !(*d)["digest"].is_string()) continue;
      auto digest = (*d)["digest"].get<std::string>();
      if (!starts_with(digest, "sha256:") || !is_sha256_hex(digest.substr(7))) continue;  // not ours to list
      auto blob_key = "blobs/sha256/" + digest.substr(7);
      if (!starts_with(blob_key, prefix) || !blobs_seen.insert(blob_key).second) continue;
      const auto size = d->contains("size") && (*d)["size"].is_number_unsigned() ? (*d)["size"].get<std::uint64_t>() : 0;
      // The registry addresses and checks blobs by their sha256.
      visit(ObjectInfo{blob_key, size, digest, std::nullopt, digest.substr(7)});
    }
  }
}

std::optional<ObjectInfo> OciStore::stat(std::string_view key_view) {
  const std::string key(key_view);
  auto k = classify(key);
  switch (k.kind) {
    case Key::tags: {
      auto doc = tags_document();
      if (!doc) return std::nullopt;
      return ObjectInfo{key, doc->size(), {}, std::nullopt};
    }
    case Key::manifest:
    case Key::blob: {
      http::Request req{.method = "HEAD",
                        .url = location_.api(k.kind == Key::manifest ? "manifests/" + k.ref : "blobs/sha256:" + k.ref)};
      req.head = true;
      if (k.kind == Key::manifest) req.headers.emplace_back("Accept", kManifestAccept);
      auto res = send(req, Access::pull, key);
      if (res.status == 404) return std::nullopt;
      http::check(res, where(key));
      auto digest = res.header("docker-content-digest");
      if (digest.empty() && k.kind == Key::blob) digest = "sha256:" + k.ref;
      return ObjectInfo{key, content_length(res), digest, std::nullopt, k.kind == Key::blob ? k.ref : std::string()};
    }
    case Key::other: return std::nullopt;
  }
  return std::nullopt;
}

void OciStore::get(std::string_view key_view, const ByteSink& sink) {
  const std::string key(key_view);
  auto k = classify(key);
  if (k.kind == Key::other)
    throw Error(where(key) + ": no such object (an OCI registry holds only tags/list, manifests/ and blobs/sha256/)");
  if (k.kind == Key::tags) {
    auto doc = tags_document();
    if (!doc) throw Error(where(key) + ": does not exist (no such repository)");
    sink(doc->data(), doc->size());
    return;
  }
  http::Request req{.method = "GET"};
  // Content addressed references are checked while they stream.
  std::string expected;
  if (k.kind == Key::manifest) {
    req.url = location_.api("manifests/" + k.ref);
    req.headers.emplace_back("Accept", kManifestAccept);
    if (starts_with(k.ref, "sha256:")) expected = k.ref.substr(7);
  } else {
    req.url = location_.api("blobs/sha256:" + k.ref);
    expected = k.ref;
  }
  Sha256Stream h;
  auto res = send(req, Access::pull, key, [&](const char* d, std::size_t n) {
    h.update(d, n);
    return sink(d, n);
  });
  if (res.status == 404) throw Error(where(key) + ": does not exist");
  http::check(res, where(key));
  // A manifest fetched by tag is checked against the digest the registry
  // names for it: a body damaged on the way is an error, not a manifest.
  if (const auto named = res.header("docker-content-digest"); expected.empty() && starts_with(named, "sha256:"))
    expected = named.substr(7);
  if (!expected.empty()) {
    auto actual = h.hex();
    if (actual != expected) throw Error(where(key) + ": content hashes to sha256:" + actual + ", not its digest");
  }
}

ObjectInfo OciStore::put(std::string_view key_view, std::uint64_t size, const ByteSource& source,
                         const PutOptions& options) {
  const std::string key(key_view);
  auto k = classify(key);
  switch (k.kind) {
    case Key::tags:
      // Derived from the manifests (see the header); the bytes are consumed
      // because the caller's source may be a pipe that waits for a reader.
      drain(source, size, where(key));
      return ObjectInfo{key, size, {}, std::nullopt};
    case Key::manifest: return put_manifest(key, k.ref, size, source, options);
    case Key::blob: return put_blob(key, k.ref, size, source);
    case Key::other: break;
  }
  throw InputError(where(key), "an OCI registry cannot store this key (only manifests/<tag|digest> and "
                               "blobs/sha256/<hex>; is this buildcache in the v2 or v3 layout rather than OCI?)");
}

ObjectInfo OciStore::put_manifest(const std::string& key, const std::string& ref, std::uint64_t size,
                                  const ByteSource& source, const PutOptions& options) {
  if (size > kMaxManifestSize)
    throw InputError(where(key), "manifest of " + std::to_string(size) + " bytes exceeds the registries' 4 MiB limit");
  // The distribution API has no conditional manifest PUT; a HEAD before it
  // would leave a window in which another writer's tag is overwritten.
  if (!options.if_match.empty() || options.if_none_match)
    throw ConditionsUnsupported(where(key) + ": an OCI registry cannot write a manifest only if it is unchanged "
                                             "or absent (no conditional PUT in the distribution API)");
  auto body = read_exactly(source, size, where(key));
  auto doc = Json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw InputError(where(key), "manifest is not a JSON object");
  const auto digest = "sha256:" + sha256_hex(body);
  if (starts_with(ref, "sha256:") && ref != digest)
    throw InputError(where(key), "manifest content hashes to " + digest + ", not the digest in its key");
  // The registry takes the manifest's type from Content-Type; its own
  // mediaType field is the truth when present.
  std::string type = doc.value("mediaType", "");
  if (type.empty() && (options.content_type == kOciManifest || options.content_type == kOciIndex ||
                       options.content_type == kDockerManifest || options.content_type == kDockerManifestList))
    type = options.content_type;
  if (type.empty()) type = doc.contains("manifests") ? kOciIndex : kOciManifest;
  http::Request req{.method = "PUT", .url = location_.api("manifests/" + ref)};
  req.headers.emplace_back("Content-Type", type);
  req.body = std::move(body);
  auto res = send(std::move(req), Access::push, key);
  http::check(res, where(key));
  auto returned = res.header("docker-content-digest");
  if (!returned.empty() && returned != digest)
    throw Error(where(key) + ": the registry stored digest " + returned + " for content hashing to " + digest);
  return ObjectInfo{key, size, digest, std::chrono::system_clock::now()};
}

ObjectInfo OciStore::put_blob(const std::string& key, const std::string& hex, std::uint64_t size,
                              const ByteSource& source) {
  const std::string digest = "sha256:" + hex;
  if (auto have = stat(key); have && have->size == size) {
    // Content addressed and present: only check that what we were given is that content.
    auto actual = drain(source, size, where(key));
    if (actual != hex) throw InputError(where(key), "content hashes to sha256:" + actual + ", not the key's digest");
    return ObjectInfo{key, size, digest, std::nullopt};
  }
  auto start = send({.method = "POST", .url = location_.api("blobs/uploads/")}, Access::push, key);
  http::check(start, where(key) + " (starting the upload)");
  auto location = start.header("location");
  if (location.empty()) throw Error(where(key) + ": the registry opened an upload without a Location");
  location = absolute(location);

  // The source is streamed through a hash; the last bytes are held back
  // (the transfer aborts) if the content is not the key's digest.
  Sha256Stream hash;
  std::uint64_t sent = 0;
  std::string failure;
  auto pull = [&](char* buf, std::size_t cap, std::uint64_t until) -> std::size_t {
    if (sent >= until) return 0;
    auto n = source(buf, static_cast<std::size_t>(std::min<std::uint64_t>(cap, until - sent)));
    if (n == 0) {
      failure = "the source gave " + std::to_string(sent) + " of " + std::to_string(size) + " bytes";
      throw Error(failure);
    }
    hash.update(buf, n);
    sent += n;
    if (sent == size) {
      auto actual = hash.hex();
      if (actual != hex) {
        failure = "content hashes to sha256:" + actual + ", not the key's digest";
        throw Error(failure);
      }
    }
    return n;
  };
  // A streamed body cannot be sent twice: a retry after a transport error fails instead.
  auto once = [&](std::uint64_t until) {
    auto used = std::make_shared<bool>(false);
    return [&, used, until]() -> http::BodySource {
      if (*used) {
        failure = "the transfer failed and a streamed upload cannot be resent";
        return [](char*, std::size_t) -> std::size_t { throw Error("not resendable"); };
      }
      *used = true;
      return [&, until](char* buf, std::size_t cap) { return pull(buf, cap, until); };
    };
  };
  auto with_digest = [&](const std::string& loc) {
    return loc + (loc.find('?') == std::string::npos ? "?" : "&") + "digest=" + http::url_encode(digest);
  };
  auto cancel = [&] {
    try {
      send({.method = "DELETE", .url = location}, Access::push, key);
    } catch (...) {
    }
  };
  try {
    http::Response done;
    if (size <= options_.chunk_threshold) {
      http::Request put{.method = "PUT", .url = with_digest(location)};
      put.headers.emplace_back("Content-Type", "application/octet-stream");
      put.body_source = once(size);
      put.body_size = size;
      done = send(std::move(put), Access::push, key);
    } else {
      while (sent < size) {
        const auto start_at = sent;
        const auto end = std::min(size, sent + options_.chunk_size);
        http::Request patch{.method = "PATCH", .url = location};
        patch.headers.emplace_back("Content-Type", "application/octet-stream");
        patch.headers.emplace_back("Content-Range", std::to_string(start_at) + "-" + std::to_string(end - 1));
        patch.body_source = once(end);
        patch.body_size = end - start_at;
        auto res = send(std::move(patch), Access::push, key);
        http::check(res, where(key) + " (chunk at byte " + std::to_string(start_at) + ")");
        if (sent != end) throw Error("the registry accepted a chunk that was not fully sent");
        auto next = res.header("location");
        if (next.empty()) throw Error(where(key) + ": the registry answered a chunk without a Location");
        location = absolute(next);
      }
      http::Request put{.method = "PUT", .url = with_digest(location)};
      done = send(std::move(put), Access::push, key);
    }
    http::check(done, where(key) + " (completing the upload)");
    if (sent != size) throw Error("the upload completed after " + std::to_string(sent) + " of " + std::to_string(size) + " bytes");
  } catch (const std::exception& e) {
    cancel();
    if (!failure.empty() && failure.find("content hashes") != std::string::npos) throw InputError(where(key), failure);
    if (!failure.empty()) throw Error(where(key) + ": " + failure);
    throw;
  }
  return ObjectInfo{key, size, digest, std::chrono::system_clock::now()};
}

void OciStore::check_delete(const http::Response& res, const std::string& key) const {
  // distribution answers 405 UNSUPPORTED to every delete unless its storage
  // allows them, before it looks whether the object exists.
  if (res.status == 405)
    throw Error(where(key) + ": the registry does not allow deletes (docker-registry: set storage.delete.enabled "
                             "to true, or REGISTRY_STORAGE_DELETE_ENABLED=true)");
  http::check(res, where(key) + " (delete)");
}

void OciStore::remove(std::string_view key_view) {
  const std::string key(key_view);
  auto k = classify(key);
  switch (k.kind) {
    case Key::tags: return;  // derived from the manifests; removing them empties it
    case Key::other: return;  // never exists
    case Key::blob: {
      auto res = send({.method = "DELETE", .url = location_.api("blobs/sha256:" + k.ref)}, Access::remove, key);
      if (res.status == 404) return;
      check_delete(res, key);
      return;
    }
    case Key::manifest: {
      std::string digest = k.ref;
      if (!starts_with(digest, "sha256:")) {
        auto current = stat(key);
        if (!current) return;
        if (current->etag.empty()) throw Error(where(key) + ": the registry gave no digest to delete the manifest by");
        digest = current->etag;
      }
      auto res = send({.method = "DELETE", .url = location_.api("manifests/" + digest)}, Access::remove, key);
      if (res.status == 404) return;
      check_delete(res, key);
      return;
    }
  }
}

std::unique_ptr<MirrorStore> OciMirrorBackend::open(const std::string& url, const nlohmann::json& settings) {
  OciStoreOptions options;
  options.http.ca_bundle = resolve_ca_bundle(settings);
  return std::make_unique<OciStore>(url, resolve_credentials(settings, url), options);
}

}  // namespace spackext::mirrors::oci
