// Container definitions as spacktainers users write them, one file per
// container under a folder per architecture:
//
//   DEFS_DIR/amd64/NAME.yaml   spack: {specs: [...], packages: {...}}
//                              spacktainer: {files: ["files/NAME/x.sh:/opt/x.sh", ...]}
//   DEFS_DIR/arm64/NAME.def    a Singularity definition that builds on an existing image
//   DEFS_DIR/files/...         what `files` entries copy into images
//
// The container is named after the file; its version comes from the first
// spec (or, for a .def, from the tag of the image it starts from).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace spackext::container {

inline const std::vector<std::string>& known_architectures() {
  static const std::vector<std::string> archs = {"amd64", "arm64"};
  return archs;
}

enum class DefinitionKind { spack, def };
std::string to_string(DefinitionKind kind);

struct FileMapping {
  std::string source;                  // as written, relative to DEFS_DIR: "files/NAME/x.sh"
  std::string target;                  // absolute path in the image
  std::filesystem::path resolved;      // DEFS_DIR/source, checked to be under DEFS_DIR/files
  int line = 0;
};

struct ContainerDefinition {
  std::string name;
  std::string arch;
  DefinitionKind kind = DefinitionKind::spack;
  std::filesystem::path file;
  std::string text;                    // the file as read (hashed, and copied for .def)
  // spack definitions
  std::vector<std::string> specs;
  YAML::Node packages;                 // the user's `spack: packages:` (may be null)
  std::vector<FileMapping> files;
  // def definitions
  std::string base_image;              // From: of the first stage
  std::string version;                 // empty: not stated (the image tag is then "latest")
  std::string tag() const { return version.empty() ? "latest" : version; }
};

// Reads and checks every definition under `defs_dir` (only `arch` if given).
// Everything wrong, in every file, is reported at once as one InputError
// (exit 2) with file:line per problem: unknown keys, a malformed `files`
// entry, a source outside DEFS_DIR/files, two definitions of one name in an
// architecture, an unreadable or malformed file. A missing DEFS_DIR is an
// InputError too; a folder with no definitions is not.
std::vector<ContainerDefinition> load_definitions(const std::filesystem::path& defs_dir,
                                                  const std::optional<std::string>& arch = std::nullopt);

}  // namespace spackext::container
