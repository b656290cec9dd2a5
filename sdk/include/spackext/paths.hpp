// Where spack-ext keeps things. Resolved once by the host (XDG variables
// honoured) and handed to every plugin.
#pragma once

#include <filesystem>

namespace spackext {

struct Paths {
  std::filesystem::path prefix;        // install prefix (or build tree)
  std::filesystem::path data_dir;      // <prefix>/share/spack-ext: templates, schemas
  std::filesystem::path config_dir;    // ~/.config/spack-ext
  std::filesystem::path state_dir;     // ~/.local/state/spack-ext: SQLite state
  std::filesystem::path cache_dir;     // ~/.cache/spack-ext
  std::filesystem::path user_plugins;  // ~/.local/share/spack-ext/plugins
  std::filesystem::path site_plugins;  // /etc/spack-ext/plugins
};

}  // namespace spackext
