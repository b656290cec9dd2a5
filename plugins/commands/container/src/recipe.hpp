// The build recipe of one container: the spack.yaml it installs (the user's
// specs and packages merged into the site template) and a multi-stage
// Dockerfile or a Singularity definition with the same stages and commands
// as `spack containerize` writes (builder installs, strips and writes the
// environment's activation; the final OS image gets the install tree, the
// view and an entrypoint), installing from the buildcache mirror when one is
// given, plus the definition's files and labels.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "base_images.hpp"
#include "definition.hpp"

namespace spackext::container {

enum class RecipeFormat { docker, singularity };

struct Mirror {
  std::string name;
  std::string url;
};

struct RecipeOptions {
  RecipeFormat format = RecipeFormat::docker;
  BaseImages images;
  std::string target;                     // Spack target for the architecture: x86_64_v3, aarch64
  std::optional<Mirror> mirror;           // the buildcache to install from
  std::vector<std::string> os_packages;   // installed in the final image
  YAML::Node site_template;               // a site's spack.yaml to merge into (may be null)
};

// Paths inside the image, as spack containerize fixes them.
inline constexpr const char* kEnvironmentDir = "/opt/spack-environment";
inline constexpr const char* kInstallRoot = "/opt/software";
inline constexpr const char* kViewDir = "/opt/views/view";

std::string compose_spack_yaml(const ContainerDefinition& def, const RecipeOptions& options,
                               const std::string& hash);
std::string render_dockerfile(const ContainerDefinition& def, const RecipeOptions& options, const std::string& hash);
std::string render_singularity(const ContainerDefinition& def, const RecipeOptions& options, const std::string& hash);

// The file name of the recipe for this definition and format.
std::string recipe_file_name(const ContainerDefinition& def, RecipeFormat format);
std::string render_recipe(const ContainerDefinition& def, const RecipeOptions& options, const std::string& hash);

}  // namespace spackext::container
