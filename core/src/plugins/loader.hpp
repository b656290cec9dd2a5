// Loads plugins on demand. The catalog has already refused everything that
// can be refused without running code; the loader dlopens (RTLD_NOW |
// RTLD_LOCAL | RTLD_NODELETE: libraries stay mapped until exit), resolves the
// entry point by its alias, and lets the plugin register its services. It is
// the registry's ServiceResolver, so a lookup that misses loads the plugin
// that declares the service.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "plugins/catalog.hpp"
#include "spackext/host_context.hpp"
#include "spackext/plugin.hpp"
#include "spackext/registry.hpp"

namespace spackext::core {

class Loader : public ServiceResolver {
 public:
  // Makes the context a plugin registers with (its own logger and name).
  using ContextFactory = std::function<std::unique_ptr<HostContext>(const PluginRecord&)>;

  Loader(Catalog& catalog, Registry& registry, Bus& bus, ContextFactory make_context);
  ~Loader() override;

  // Loads the plugin and, first, what it requires. Returns false (and records
  // why in the catalog) if it or a requirement fails.
  bool load(PluginRecord& record);
  // Loads every plugin that passed the checks: the only way to find a missing
  // entry point or a failing registration (plugin doctor, health check).
  void load_all();
  // Destroys plugin objects and contexts (after the registry and bus are
  // cleared). Libraries are never unloaded.
  void release_plugins();

  // ServiceResolver
  bool load_service(std::string_view kind, std::string_view name) override;
  void load_kind(std::string_view kind) override;
  std::vector<std::string> declared(std::string_view kind) const override;

 private:
  struct Loaded;
  bool load_one(PluginRecord& record);

  Catalog& catalog_;
  Registry& registry_;
  Bus& bus_;
  ContextFactory make_context_;
  std::vector<std::unique_ptr<Loaded>> loaded_;
  std::vector<const PluginRecord*> loading_;
  // Lookups may come from several threads (health checks run concurrently);
  // loading is serialized. Recursive: a plugin's requirements load inside load().
  std::recursive_mutex mutex_;
};

}  // namespace spackext::core
