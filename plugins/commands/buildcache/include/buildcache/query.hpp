// Spec queries for `list`, `sync --only` and friends. A query is a sequence
// of terms, all of which must match:
//   name            exact package name (glob * and ? allowed)
//   name@version    version prefix ("@1" matches 1.0 and 1.2.3)
//   %compiler[@ver] compiler name and version prefix
//   arch=a-b-c      platform-os-target (any part may be a glob); also
//   platform=, os=, target=
//   /hash           DAG hash prefix
// e.g. "peerhello@1 %gcc@12 target=x86_64_v4", "/5hn2gvd".
#pragma once

#include <string>
#include <vector>

#include "buildcache/spec.hpp"

namespace spackext::buildcache {

class SpecQuery {
 public:
  SpecQuery() = default;
  // Throws InputError naming the bad term.
  static SpecQuery parse(const std::string& text);
  bool matches(const SpecView& spec) const;
  bool matches(const SpecNode& spec) const { return matches(spec.view()); }
  bool empty() const { return terms_.empty(); }

 private:
  enum class Field { name, version, compiler, compiler_version, arch, platform, os, target, hash };
  struct Term {
    Field field;
    std::string pattern;
  };
  std::vector<Term> terms_;
};

// fnmatch-style glob with * and ?.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace spackext::buildcache
