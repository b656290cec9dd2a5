// A plugin's manifest: what the host knows about a plugin without loading it.
//
// The author writes plugin.json (name, version, description, vendor, license,
// priority, services, commands, requires). spackext_add_plugin() embeds it in
// the ELF section ".spackext_manifest" inside an envelope that the compiler
// stamps with the API version and ABI tag:
//   {"api_version": "1.0", "abi": "gcc/libstdc++-cxx11", "manifest": {...}}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/command_model.hpp"
#include "spackext/semver.hpp"

namespace spackext {

struct ManifestService {
  std::string kind;
  std::string name;
  std::vector<std::string> aliases;  // extra names, e.g. URL schemes
  int priority = 0;
};

struct ManifestCommand {
  std::string name;
  std::string description;
  std::vector<std::pair<std::string, std::string>> subcommands;  // name, description
  // The command's whole description (command_model.hpp) as compact JSON,
  // validated when the manifest is read and parsed again only for the
  // command being run, so start-up does not pay for every plugin's model.
  std::string definition;
  // The definition declares options or positionals: the host parses the
  // command's words. Otherwise the plugin gets them raw (CommandInvocation::args).
  bool modelled = false;

  CommandSpec spec() const;
};

struct ManifestRequirement {
  std::string name;
  std::string range;  // VersionRange text; "*" when absent
};

struct Manifest {
  // Stamped by the build.
  int api_major = 0;
  int api_minor = 0;
  std::string abi;
  // Written by the author.
  std::string name;
  SemVer version;
  std::string description;
  std::string vendor;
  std::string license;
  int priority = 0;  // among plugins of the same name, the highest wins
  std::vector<ManifestService> services;
  std::vector<ManifestCommand> commands;
  std::vector<ManifestRequirement> requires_;

  std::string api_version() const {
    return std::to_string(api_major) + "." + std::to_string(api_minor);
  }
  bool provides(std::string_view kind, std::string_view name) const;
  bool provides_kind(std::string_view kind) const;
  bool has_command(std::string_view name) const;

  // Parse the embedded envelope. Throws ManifestError saying which field is
  // missing or malformed (and, for JSON syntax errors, the byte offset).
  static Manifest from_envelope(std::string_view text);
  static Manifest from_json(const nlohmann::json& envelope);
  // The section text without the NUL padding a linker may add.
  static std::string_view strip_padding(std::string_view text);
  nlohmann::json to_json() const;  // the envelope form
};

class ManifestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace spackext
