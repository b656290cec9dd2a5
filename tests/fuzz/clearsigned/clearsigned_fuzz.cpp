// Clearsigned metadata (OpenPGP cleartext signatures) as the buildcache reads
// it: the armor split itself, then the input served as every signed object
// of a mirror at once — a v3 spec manifest, key manifest and index manifest
// beside the blobs of Spack's signed v3 fixture, and a v2 *.spec.json.sig
// beside the v2 fixture's tarballs — and the mirror scanned.
#include <buildcache/clearsign.hpp>

#include "catalog_check.hpp"

namespace {

spackext::fuzz::MemoryStore& fixture_store() {
  static spackext::fuzz::MemoryStore store = [] {
    spackext::fuzz::MemoryStore s;
    const auto fixtures = spackext::fuzz::fixtures_dir() / "spack";
    s.load_tree(fixtures / "buildcache-v3-signed");
    s.load_tree(fixtures / "buildcache-v2-signed");
    // Only the fuzzed object is metadata; the rest are the blobs it may name.
    std::vector<std::string> metadata;
    s.list("", [&](const spackext::ObjectInfo& o) {
      if (o.key.rfind("v3/manifests/", 0) == 0 || o.key.rfind("build_cache/index.json", 0) == 0 ||
          o.key.find(".spec.json") != std::string::npos)
        metadata.push_back(o.key);
    });
    for (const auto& key : metadata) s.erase(key);
    return s;
  }();
  return store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(spackext::fuzz::as_text(data, size));
  namespace bc = spackext::buildcache;
  if (auto payload = bc::clearsigned_payload(text); payload && !bc::is_clearsigned(text))
    spackext::fuzz::finding("payload from text that is not clearsigned", text);
  bc::json_payload(text);

  auto& store = fixture_store();
  for (const char* key : {"v3/manifests/spec/fuzz/fuzz-1.0-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.spec.manifest.json",
                          "v3/manifests/key/keys.manifest.json", "v3/manifests/index/index.manifest.json",
                          "build_cache/linux-debian12-x86_64_v4-gcc-12.2.0-fuzz-1.0-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.spec.json.sig"})
    store.set(key, text);
  spackext::fuzz::scan_and_check(store);
  return 0;
}
