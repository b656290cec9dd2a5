// What the host knows about one plugin file: where it is, its manifest (if it
// could be read), and its state with the reason when it cannot be used.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "spackext/manifest.hpp"

namespace spackext::core {

// Modelled on Corrade's LoadState: every refusal has its own state, and the
// reason text says what was expected and what was found.
enum class PluginState {
  available,      // passed every check before loading; not loaded (yet)
  loaded,         // loaded and registered
  shadowed,       // another plugin of the same name won
  bad_file,       // not a readable ELF shared object for this machine
  no_manifest,    // an ELF file without the manifest section
  bad_manifest,   // the manifest section is not a valid manifest
  incompatible,   // API version or C++ ABI tag does not fit this host
  untrusted,      // writable by others, or owned by someone else
  unresolved,     // a required plugin is missing, too old/new, refused or in a cycle
  load_failed,    // dlopen or the entry point failed
  init_failed,    // the register function threw
};

std::string_view to_string(PluginState s) noexcept;
// States whose plugin code never ran.
bool refused_before_loading(PluginState s) noexcept;

struct PluginRecord {
  std::filesystem::path path;
  std::string origin;  // which search-path entry found it: "--plugin-path", "user", ...
  int origin_rank = 0;  // position of that entry; lower wins ties
  std::optional<Manifest> manifest;
  PluginState state = PluginState::available;
  std::string reason;  // empty when available/loaded
  std::uintmax_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint64_t device = 0;  // identity of the file that passed the checks,
  std::uint64_t inode = 0;   // compared again right before dlopen

  const std::string& name() const;  // manifest name, or the file stem
  bool usable() const { return state == PluginState::available || state == PluginState::loaded; }

 private:
  mutable std::string stem_;
};

}  // namespace spackext::core
