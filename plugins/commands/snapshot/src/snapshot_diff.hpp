// Two environments' concrete specs compared spec by spec, by package name:
// added, removed, changed (version, variants, compiler, target, flags,
// dependencies) or the same DAG hash; plus the roots each side asks for.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/spack/spec_set.hpp"

namespace spackext::snapshot {

struct SpecRef {
  std::string name, version, hash;
  std::string to_string() const;  // "hdf5@1.14.3 /abcdefg"
};

struct SpecChange {
  SpecRef from, to;
  // What differs: "version", "variants", "compiler", "target", "flags",
  // "dependencies", "external", each with a readable before -> after.
  std::vector<std::pair<std::string, std::string>> changes;
};

struct SpecDiff {
  std::vector<SpecRef> added, removed;
  std::vector<SpecChange> changed;
  std::vector<SpecRef> same;
  std::vector<std::string> roots_added, roots_removed;  // root spec names@versions
  bool empty() const { return added.empty() && removed.empty() && changed.empty() && roots_added.empty() && roots_removed.empty(); }
  nlohmann::json to_json() const;
};

SpecDiff diff_specs(const spack::SpecSet& from, const spack::SpecSet& to);

}  // namespace spackext::snapshot
