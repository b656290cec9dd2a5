#include "plugins/plugin_record.hpp"

namespace spackext::core {

std::string_view to_string(PluginState s) noexcept {
  switch (s) {
    case PluginState::available: return "available";
    case PluginState::loaded: return "loaded";
    case PluginState::shadowed: return "shadowed";
    case PluginState::bad_file: return "bad-file";
    case PluginState::no_manifest: return "no-manifest";
    case PluginState::bad_manifest: return "bad-manifest";
    case PluginState::incompatible: return "incompatible";
    case PluginState::untrusted: return "untrusted";
    case PluginState::unresolved: return "unresolved";
    case PluginState::load_failed: return "load-failed";
    case PluginState::init_failed: return "init-failed";
  }
  return "unknown";
}

bool refused_before_loading(PluginState s) noexcept {
  return s != PluginState::available && s != PluginState::loaded &&
         s != PluginState::load_failed && s != PluginState::init_failed;
}

const std::string& PluginRecord::name() const {
  if (manifest) return manifest->name;
  if (stem_.empty()) stem_ = path.stem().string();
  return stem_;
}

}  // namespace spackext::core
