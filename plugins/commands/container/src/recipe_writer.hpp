// Writes the recipes of every container, each into OUTPUT/<arch>/<name>/
// (spack.yaml, Dockerfile or Singularity.def, and the files the definition
// maps, so the folder is a complete build context), and OUTPUT/containers.json.
// The new OUTPUT is built beside it (other folders carried over) and swapped
// in whole, so a failure or a kill leaves every recipe and the list old, or
// every one new. Where OUTPUT cannot be swapped (a mount point, a read-only
// parent), each container folder is replaced by a rename and the list last.
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
