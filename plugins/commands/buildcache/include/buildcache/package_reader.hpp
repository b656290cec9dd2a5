// The `buildcache` service: single packages of a mirror, verified, for other
// plugins (the product bundles read their software through it).
#pragma once

#include <functional>
#include <memory>

#include <spackext/registry.hpp>
#include <spackext/services/buildcache.hpp>

#include "buildcache/mirror_config.hpp"

namespace spackext::buildcache {

class PackageReader final : public BuildcacheReader {
 public:
  // `mirrors` loads the configured mirrors (names -> URLs) when asked;
  // `default_keyring` is used when the options name none.
  PackageReader(Registry& registry, std::function<MirrorsConfig()> mirrors, std::filesystem::path default_keyring)
      : registry_(registry), mirrors_(std::move(mirrors)), default_keyring_(std::move(default_keyring)) {}
  std::unique_ptr<BuildcacheView> open(const std::string& mirror, const BuildcacheReadOptions& options) override;

 private:
  Registry& registry_;
  std::function<MirrorsConfig()> mirrors_;
  std::filesystem::path default_keyring_;
};

}  // namespace spackext::buildcache
