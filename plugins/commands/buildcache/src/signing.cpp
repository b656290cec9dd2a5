#include "buildcache/signing.hpp"

#include <cstring>

#include <spackext/errors.hpp>

#include "buildcache/catalog.hpp"
#include "buildcache/clearsign.hpp"
#include "buildcache/digest.hpp"
#include "buildcache/spack_json.hpp"

namespace spackext::buildcache {

namespace {

std::string manifest_of(const std::string& data, const std::string& media_type) {
  Json record = Json::object();
  record["contentLength"] = data.size();
  record["mediaType"] = media_type;
  record["compression"] = "none";
  record["checksumAlgorithm"] = "sha256";
  record["checksum"] = sha256_hex(data);
  Json m = Json::object();
  m["version"] = 3;
  m["data"] = Json::array({record});
  return dump_token_per_line(m);
}

}  // namespace

SignReport sign_mirror(MirrorStore& store, Keyring& keyring, const std::string& fingerprint) {
  if (!store.pushable()) throw Error(store.url() + " is not pushable: cannot sign it");
  auto cat = scan_mirror(store);
  if (!cat.problems.empty())
    throw Error(store.url() + ": " + cat.problems.front().object + ": " + cat.problems.front().message);
  SignReport report;
  // Publish the key first, so a client can check a manifest as soon as it is signed.
  const auto armored = keyring.export_public(fingerprint);
  const auto key_blob = v3_blob_key(sha256_hex(armored));
  put_bytes(store, key_blob, armored);
  const auto key_manifest = "v3/manifests/key/" + fingerprint + ".key.manifest.json";
  put_bytes(store, key_manifest, manifest_of(armored, "application/pgp-keys"));
  Json keys = Json::object();
  keys["keys"] = Json::object();
  for (const auto& [k, info] : cat.objects)
    if (k.rfind("v3/manifests/key/", 0) == 0 && k.size() > 22 && k.find(".key.manifest.json") != std::string::npos)
      keys["keys"][k.substr(17, k.size() - 17 - 18)] = Json::object();
  keys["keys"][fingerprint] = Json::object();
  const auto index_text = dump_compact(keys);
  put_bytes(store, v3_blob_key(sha256_hex(index_text)), index_text);
  put_bytes(store, "v3/manifests/key/keys.manifest.json",
           manifest_of(index_text, "application/vnd.spack.keyindex.v1+json"));
  report.published = {key_blob, key_manifest, "v3/manifests/key/keys.manifest.json"};
  for (const auto& e : cat.entries) {
    if (e.layout != Layout::v3) continue;
    auto text = read_object(store, e.metadata_key);
    if (is_clearsigned(text)) {
      ++report.already_signed;
      continue;
    }
    put_bytes(store, e.metadata_key, keyring.clearsign(text, fingerprint));
    report.signed_keys.push_back(e.metadata_key);
  }
  return report;
}

}  // namespace spackext::buildcache
