// SOURCE for `modules generate`: a Spack install tree (its database), a
// database index.json, a spack.lock, or a buildcache (by URL, read through the
// mirror backend registered for its scheme). Gives the specs, which of them
// were asked for, and each spec's install prefix.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <spackext/services/mirror.hpp>
#include <spackext/spack/install_layout.hpp>
#include <spackext/spack/spec_set.hpp>

namespace spackext::modules {

struct SpecSource {
  enum class Kind { install_tree, lockfile, buildcache };
  Kind kind = Kind::lockfile;
  std::string description;  // for messages: "spack.lock at ...", "buildcache file:///..."
  spack::SpecSet specs;
  std::set<std::string> explicit_hashes;
  // The install tree root: the database's tree, or the computed layout's root.
  std::string install_root;
  std::optional<spack::InstallLayout> layout;  // set when prefixes are computed

  std::string prefix_of(const spack::ConcreteSpec& spec) const;
};

// Opens `source`. `layout` (from --install-root or a Spack config scope) is
// required for lockfiles and buildcaches, which record no prefixes.
// `open_mirror` opens a buildcache URL through the registry.
using MirrorOpener = std::function<std::unique_ptr<MirrorStore>(const std::string& url)>;
SpecSource open_spec_source(const std::string& source, const std::optional<spack::InstallLayout>& layout,
                            const MirrorOpener& open_mirror);

// install_tree (root, projections) from a Spack configuration scope folder's
// config.yaml; InputError when it has none.
spack::InstallLayout layout_from_spack_scope(const std::filesystem::path& scope);

}  // namespace spackext::modules
