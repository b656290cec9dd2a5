// Builds spack-ext's configuration from its scopes, lowest first:
//   <site>/config.yaml (/etc/spack-ext, or $SPACK_EXT_SITE_DIR)
//   <user>/config.yaml (~/.config/spack-ext)
//   ./spack-ext.yaml
//   --config FILE
//   SPACK_EXT_<KEY>[__<SUBKEY>...]=value environment variables
// Maps merge key by key; anything else in a higher scope replaces the lower.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "spackext/config.hpp"

namespace spackext::core {

struct ConfigSources {
  std::filesystem::path site_dir;
  std::filesystem::path user_dir;
  std::filesystem::path working_dir;
  std::optional<std::filesystem::path> explicit_file;  // --config: must exist
  std::map<std::string, std::string> environment;      // SPACK_EXT_* variables
};

// Throws InputError naming file:line:column for a YAML syntax error.
Config load_config(const ConfigSources& sources);

// YAML text to JSON, scalars typed the YAML 1.2 core way (true/false, null,
// integers, floats; everything else a string; quoted scalars stay strings).
nlohmann::json yaml_to_json(const std::string& text, const std::string& file_name);

}  // namespace spackext::core
