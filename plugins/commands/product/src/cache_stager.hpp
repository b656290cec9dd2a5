// Brings a spec and its link/run dependencies out of a buildcache into a
// product's software folder: each package verified through the `buildcache`
// service (signature, checksums), unpacked safely, its prefix moved to
// <software>/<name>-<version>-<hash>.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <spackext/services/buildcache.hpp>
#include <spackext/spack/spec_set.hpp>

#include "product_manifest.hpp"
#include "staged_spec.hpp"

namespace spackext::product {

struct StagedProduct {
  spack::SpecSet specs;  // every node of the root's spec file
  std::string root_hash;
  std::vector<StagedSpec> staged;  // root first
  std::vector<LeftOut> left_out;
  std::string source;  // the buildcache URL
};

// `spec` is a query as `buildcache list` takes it; it must match exactly one
// entry (InputError listing them otherwise). `on_package` is called with
// each package's name before it is fetched (progress).
StagedProduct stage_from_buildcache(BuildcacheView& view, const std::string& spec, const std::filesystem::path& work,
                                    const std::function<void(const std::string&)>& on_package);

// The root and its transitive link/run dependencies, root first.
std::vector<std::string> link_run_closure(const spack::SpecSet& specs, const std::string& root);

}  // namespace spackext::product
