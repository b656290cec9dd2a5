// What a site sets for its container recipes, from spack-ext's configuration
// and the command line:
//
//   container:
//     base_image: ubuntu:22.04          # the final (run-time) image; --base-image wins
//     builder_image: ...                # default: Spack's image for the OS and Spack version
//     spack_version: v1.1.0             # tag of Spack's builder images
//     targets: {amd64: x86_64_v3, arm64: aarch64}
//     os_packages: [libgomp1]           # installed in the final image
//     template: FILE                    # a site spack.yaml the definitions merge into
//
// --mirror NAME is a mirror of spack-ext's mirrors.yaml (Spack's format) or a URL.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <spackext/config.hpp>

#include "recipe.hpp"

namespace spackext::container {

struct SiteRequest {
  RecipeFormat format = RecipeFormat::docker;
  std::optional<std::string> base_image;  // --base-image
  std::optional<std::string> mirror;      // --mirror NAME|URL
};

// The options for one architecture. UsageError for an unknown mirror name or
// an OS image with no known Spack builder (naming container.builder_image);
// InputError (file:line) for a broken template or mirrors.yaml.
RecipeOptions recipe_options(const Config& config, const std::filesystem::path& mirrors_file,
                             const SiteRequest& request, const std::string& arch);

// The URL of a mirror in a Spack-format mirrors.yaml (plain URL or {url} or
// {fetch: URL | {url}}); nullopt if the file or the name is absent.
std::optional<std::string> mirror_url(const std::filesystem::path& mirrors_file, const std::string& name);

}  // namespace spackext::container
