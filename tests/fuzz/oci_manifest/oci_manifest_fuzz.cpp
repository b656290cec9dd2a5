// OCI image manifests and tag lists of Spack's OCI buildcache layout, as the
// scanner reads them from a registry (or a registry dump): beside the blobs
// of Spack's registry dump, the input is served in turn as a spec image's
// manifest, as the index image's manifest (tag index.spack), and as the tag
// list in front of the dump's own manifests.
#include "catalog_check.hpp"

namespace {

const std::filesystem::path& dump_dir() {
  static const auto dir = spackext::fuzz::fixtures_dir() / "spack/oci/registry-dump/v2/peer/buildcache";
  return dir;
}

spackext::fuzz::MemoryStore& blobs_store() {
  static spackext::fuzz::MemoryStore store = [] {
    spackext::fuzz::MemoryStore s;
    s.load_tree(dump_dir() / "blobs");
    spackext::fuzz::MemoryStore out;
    s.list("", [&](const spackext::ObjectInfo& o) {
      s.get(o.key, [&](const char* d, std::size_t n) {
        out.set("blobs/" + o.key, std::string(d, n));
        return true;
      });
    });
    return out;
  }();
  return store;
}

spackext::fuzz::MemoryStore& dump_store() {
  static spackext::fuzz::MemoryStore store = [] {
    spackext::fuzz::MemoryStore s;
    s.load_tree(dump_dir());
    return s;
  }();
  return store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(spackext::fuzz::as_text(data, size));
  for (const char* tag : {"fuzz-1.0-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.spack", "index.spack"}) {
    auto& store = blobs_store();
    store.set("tags/list", std::string(R"({"name":"peer/buildcache","tags":[")") + tag + "\"]}");
    store.set(std::string("manifests/") + tag, text);
    spackext::fuzz::scan_and_check(store);
    store.erase(std::string("manifests/") + tag);
  }
  auto& dump = dump_store();
  dump.set("tags/list", text);
  spackext::fuzz::scan_and_check(dump);
  return 0;
}
