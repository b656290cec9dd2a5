// A Spack spec file (v2 *.spec.json, v3 spec blob, OCI image config) as the
// buildcache reads it, then as `update-index` uses it: added to an index,
// whose text must read back with every node it was given.
#include <buildcache/index.hpp>
#include <buildcache/spack_json.hpp>
#include <buildcache/spec.hpp>

#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace bc = spackext::buildcache;
  const std::string origin = "fuzz/spec.json";
  const std::string text(spackext::fuzz::as_text(data, size));
  spackext::fuzz::expect_clean(origin, [&] {
    auto doc = bc::parse_json(text, origin);
    auto spec = bc::parse_spec_file(doc, origin);
    for (const auto& node : spec.nodes) node.display();
    bc::IndexBuilder builder;
    builder.add_spec_file(doc, origin);
    auto index = bc::parse_index(builder.json_text(), "fuzz/index.json (built)");
    if (index.records.size() != builder.size())
      spackext::fuzz::finding("index round trip", "built " + std::to_string(builder.size()) + " records, read " +
                                                      std::to_string(index.records.size()));
  });
  return 0;
}
