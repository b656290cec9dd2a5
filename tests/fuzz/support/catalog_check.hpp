// Runs the buildcache scanner on a MemoryStore and holds it to the rule of
// fuzz_target.hpp. The scanner turns each unreadable object into a Problem
// (or an index error) instead of failing the whole scan, so those messages
// are checked too: they must be the project's own errors, which name the
// mirror and the object ("memory://fuzz: <key>: ..."), or one of the
// scanner's own sentences about an object; a bare library message (a json
// type_error, "basic_string::substr") is a finding.
#pragma once

#include <buildcache/catalog.hpp>

#include "fuzz_target.hpp"
#include "memory_store.hpp"

namespace spackext::fuzz {

inline void check_message(std::string_view object, std::string_view message, std::string_view prefix) {
  if (message.substr(0, prefix.size()) == prefix) return;
  for (std::string_view own : {"missing (", "binary_cache_checksum "})
    if (message.substr(0, own.size()) == own) return;
  finding("scanner problem without the object's name: " + std::string(object), message);
}

inline void scan_and_check(MemoryStore& store) {
  const std::string prefix = store.url() + ": ";
  expect_clean(prefix, [&] {
    buildcache::ScanOptions options;
    options.jobs = 1;
    auto catalog = buildcache::scan_mirror(store, options);
    for (const auto& p : catalog.problems) check_message(p.object, p.message, prefix);
    for (const auto& i : catalog.indexes)
      if (!i.error.empty()) check_message(i.key, i.error, prefix);
    catalog.unique_entries();
    catalog.referenced_keys();
  });
}

// The shared fixtures folder: SPACKEXT_SHARED_DIR (as for the other tests),
// else ../shared/fixtures beside the checkout this harness was built from.
inline std::filesystem::path fixtures_dir() {
  if (const char* env = std::getenv("SPACKEXT_SHARED_DIR")) return std::filesystem::path(env) / "fixtures";
  return SPACKEXT_FUZZ_FIXTURES_DIR;
}

}  // namespace spackext::fuzz
