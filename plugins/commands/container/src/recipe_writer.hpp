// Writes the recipes of every container, each into OUTPUT/<arch>/<name>/
// (spack.yaml, Dockerfile or Singularity.def, and the files the definition
// maps, so the folder is a complete build context), then OUTPUT/containers.json
// last. Everything is generated into a staging folder inside OUTPUT first and
// each container folder replaced by a rename, so a failure leaves every
// container folder either old or new, never half-written.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "definition.hpp"
#include "recipe.hpp"

namespace spackext::container {

struct WrittenContainer {
  const ContainerDefinition* def;
  std::string hash;
  std::filesystem::path recipe;  // OUTPUT-relative: amd64/NAME/Dockerfile
};

struct WriteResult {
  std::vector<WrittenContainer> containers;
  std::filesystem::path manifest;  // OUTPUT/containers.json
  nlohmann::json manifest_json;
};

using OptionsForArch = std::function<const RecipeOptions&(const std::string& arch)>;

WriteResult write_recipes(const std::vector<ContainerDefinition>& defs, const OptionsForArch& options,
                          const std::filesystem::path& defs_dir, const std::filesystem::path& output);

}  // namespace spackext::container
