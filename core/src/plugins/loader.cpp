#include "plugins/loader.hpp"

#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>

#include <boost/dll/shared_library.hpp>

namespace spackext::core {

struct Loader::Loaded {
  const PluginRecord* record;
  boost::dll::shared_library library;  // RTLD_NODELETE: destroying this never unmaps
  std::unique_ptr<HostContext> context;
  std::unique_ptr<Plugin> plugin;
};

Loader::Loader(Catalog& catalog, Registry& registry, Bus& bus, ContextFactory make_context)
    : catalog_(catalog), registry_(registry), bus_(bus), make_context_(std::move(make_context)) {}

Loader::~Loader() { release_plugins(); }

void Loader::release_plugins() {
  // Newest first: a plugin goes before what it required.
  while (!loaded_.empty()) {
    loaded_.back()->plugin.reset();
    loaded_.back()->context.reset();
    loaded_.pop_back();
  }
}

bool Loader::load(PluginRecord& record) {
  std::lock_guard lock(mutex_);
  if (record.state == PluginState::loaded) return true;
  if (record.state != PluginState::available) return false;
  if (std::find(loading_.begin(), loading_.end(), &record) != loading_.end()) return false;
  loading_.push_back(&record);
  bool ok = true;
  for (const auto& req : record.manifest->requires_) {
    PluginRecord* dep = catalog_.usable(req.name);
    if (!dep || !load(*dep)) {
      record.state = PluginState::unresolved;
      record.reason = "requires plugin '" + req.name + "', which failed to load" +
                      (dep ? ": " + dep->reason : std::string());
      ok = false;
      break;
    }
  }
  if (ok) ok = load_one(record);
  loading_.pop_back();
  return ok;
}

bool Loader::load_one(PluginRecord& record) {
  auto entry = std::make_unique<Loaded>();
  entry->record = &record;
  // The file must still be the one that passed the trust and manifest
  // checks: a swap in between would load code nobody checked.
  struct stat st;
  if (::stat(record.path.c_str(), &st) != 0 || st.st_dev != record.device || st.st_ino != record.inode ||
      static_cast<std::uintmax_t>(st.st_size) != record.size ||
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec != record.mtime_ns) {
    record.state = PluginState::load_failed;
    record.reason = "the file changed after it was checked; not loaded (run the command again)";
    return false;
  }
  const auto mode = static_cast<boost::dll::load_mode::type>(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  try {
    // An absolute path: Boost.DLL would turn a bare name into a search.
    entry->library.load(std::filesystem::absolute(record.path).string(), mode);
  } catch (const std::exception& e) {
    record.state = PluginState::load_failed;
    record.reason = std::string("dlopen failed: ") + e.what();
    return false;
  }
  if (!entry->library.has(kEntryPoint)) {
    record.state = PluginState::load_failed;
    record.reason = std::string("missing entry point '") + kEntryPoint +
                    "' (declare the plugin class with SPACKEXT_PLUGIN)";
    return false;
  }
  const std::string& name = record.manifest->name;
  try {
    // The alias holds the address of the factory; get_alias reads through it.
    auto& factory = entry->library.get_alias<PluginFactory>(kEntryPoint);
    entry->plugin = factory();
    if (!entry->plugin) throw std::runtime_error("the entry point returned no plugin object");
    entry->context = make_context_(record);
    entry->plugin->register_services(*entry->context);
  } catch (const std::exception& e) {
    record.state = PluginState::init_failed;
    record.reason = std::string("registration failed: ") + e.what();
  } catch (...) {
    record.state = PluginState::init_failed;
    record.reason = "registration failed with a non-standard exception";
  }
  if (record.state == PluginState::init_failed) {
    bus_.unsubscribe_owned_by(name);
    registry_.remove_owned_by(name);
    entry->plugin.reset();
    return false;
  }
  // A declared command that was not registered would fail later, obscurely.
  for (const auto& cmd : record.manifest->commands) {
    bool registered = false;
    for (const auto& info : registry_.list("command"))
      if (info.plugin == name && info.name == cmd.name) registered = true;
    if (!registered) {
      record.state = PluginState::init_failed;
      record.reason = "declares command '" + cmd.name + "' in its manifest but did not register it";
      bus_.unsubscribe_owned_by(name);
      registry_.remove_owned_by(name);
      entry->plugin.reset();
      return false;
    }
  }
  record.state = PluginState::loaded;
  loaded_.push_back(std::move(entry));
  return true;
}

void Loader::load_all() {
  std::lock_guard lock(mutex_);
  for (auto& r : catalog_.records())
    if (r.state == PluginState::available) load(r);
}

bool Loader::load_service(std::string_view kind, std::string_view name) {
  std::lock_guard lock(mutex_);
  bool any = false;
  for (PluginRecord* r : catalog_.service_providers(kind, name))
    if (load(*r)) {
      any = true;
      break;  // the best-ranked provider that loads
    }
  return any;
}

void Loader::load_kind(std::string_view kind) {
  std::lock_guard lock(mutex_);
  for (PluginRecord* r : catalog_.kind_providers(kind)) load(*r);
}

std::vector<std::string> Loader::declared(std::string_view kind) const {
  std::vector<std::string> names;
  for (const auto& r : catalog_.records())
    if (r.usable())
      for (const auto& s : r.manifest->services)
        if (s.kind == kind) names.push_back(s.name);
  return names;
}

}  // namespace spackext::core
