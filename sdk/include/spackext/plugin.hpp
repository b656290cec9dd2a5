// Writing a plugin: one class and one declaration line.
//
//   class Acme final : public spackext::Plugin {
//    public:
//     void register_services(spackext::HostContext& host) override {
//       host.registry().add<spackext::Command>("acme", std::make_shared<AcmeCommand>(host));
//     }
//   };
//   SPACKEXT_PLUGIN(Acme)
//
// The manifest (plugin.json) is embedded at build time by spackext_add_plugin()
// into the ELF section named kManifestSection, together with the API version
// and ABI tag of the compiler that built the plugin, so the host reads it
// without loading the library.
#pragma once

#include <memory>

#include <boost/dll/alias.hpp>

#include "spackext/host_context.hpp"
#include "spackext/version.hpp"

namespace spackext {

inline constexpr const char* kManifestSection = ".spackext_manifest";
inline constexpr const char* kEntryPoint = "spackext_register_v1";

class Plugin {
 public:
  virtual ~Plugin() = default;
  // Register services and subscriptions. Throwing refuses the whole plugin:
  // whatever it registered is removed again.
  virtual void register_services(HostContext& host) = 0;
};

// The entry point's type: returns the plugin object, which the host keeps
// alive until every service is destroyed.
using PluginFactory = std::unique_ptr<Plugin>();

}  // namespace spackext

#define SPACKEXT_PLUGIN(PluginClass)                                                     \
  namespace spackext_plugin_entry_ {                                                     \
  static std::unique_ptr<::spackext::Plugin> spackext_create_plugin() {                 \
    return std::make_unique<PluginClass>();                                              \
  }                                                                                      \
  }                                                                                      \
  BOOST_DLL_ALIAS(spackext_plugin_entry_::spackext_create_plugin, spackext_register_v1)
