// A buildcache index.json (layouts v2, v3 and OCI share it) as `list`,
// `stats` and `verify` read it with simdjson, from a plain view (copied) and
// from a string with the padding read_object leaves (parsed in place).
#include <buildcache/index.hpp>

#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace bc = spackext::buildcache;
  const std::string origin = "fuzz/index.json";
  const auto view = spackext::fuzz::as_text(data, size);
  spackext::fuzz::expect_clean(origin, [&] {
    auto index = bc::parse_index(view, origin);
    index.in_buildcache_count();
    for (const auto& r : index.records) r.spec.display();
  });
  std::string padded(view);
  padded.reserve(padded.size() + bc::kIndexParsePadding);
  spackext::fuzz::expect_clean(origin, [&] { bc::parse_index(padded, origin); });
  return 0;
}
