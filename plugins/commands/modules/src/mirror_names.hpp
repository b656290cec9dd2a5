// A buildcache named as SOURCE: the mirrors spack-ext knows (its
// mirrors.yaml, in Spack's mirrors.yaml format, as `buildcache add-mirror`
// writes it) map names to URLs and connection settings.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace spackext::modules {

struct NamedMirror {
  std::string url;           // the fetch URL
  nlohmann::json settings;   // the entry, for MirrorBackend::open
};

// nullopt when the file or the name is absent; InputError (file:line) when
// the file is not a mirrors.yaml.
std::optional<NamedMirror> find_named_mirror(const std::filesystem::path& mirrors_yaml, const std::string& name);

}  // namespace spackext::modules
