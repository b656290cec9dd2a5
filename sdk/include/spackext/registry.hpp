// The typed service registry: plugins add services by kind and name; the host
// and other plugins look them up. Lookups that miss ask the host to load the
// plugins whose manifests declare the service (lazy loading), then retry.
//
// A kind string alone does not say what was registered: a plugin could put
// any class under "executor". So every registration also records the
// interface type T (by its mangled name: plugins are loaded RTLD_LOCAL, so
// their std::type_info objects differ even for the same class, but the names
// agree), a kind keeps the type it was first declared with, and add() and
// get() refuse a mismatch instead of casting.
//
// Which plugin owns a registration travels with the handle it registers
// through (for_plugin()), not with a "current plugin" global: a lookup that
// lazily loads another plugin in the middle of a register function cannot
// change who owns what the first plugin registers next.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include "spackext/errors.hpp"
#include "spackext/service.hpp"

namespace spackext {

struct ServiceInfo {
  std::string kind;
  std::string name;
  std::vector<std::string> aliases;  // e.g. the URL schemes a mirror also answers to
  int priority = 0;                  // higher wins among same-named services
  std::string plugin;                // owning plugin ("host" for built-ins)
  std::string plugin_version;
};

// Implemented by the host: make the plugins providing a service loaded.
class ServiceResolver {
 public:
  virtual ~ServiceResolver() = default;
  // Load whatever provides (kind, name); returns false if nothing does.
  virtual bool load_service(std::string_view kind, std::string_view name) = 0;
  // Load every plugin that provides a service of `kind`.
  virtual void load_kind(std::string_view kind) = 0;
  // Names of services of `kind` that installed plugins declare (loaded or not).
  virtual std::vector<std::string> declared(std::string_view kind) const = 0;
};

struct RegisterOptions {
  int priority = 0;
  std::vector<std::string> aliases;
};

class Registry {
 public:
  // The host's registry; what is added through it is owned by "host".
  Registry();
  // The host's registry destroys every service; a plugin's handle, nothing.
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // T is the service interface (spackext::Executor, ...), named explicitly:
  // add<Executor>("local", std::make_shared<LocalExecutor>()).
  template <class T>
  void add(std::string name, std::type_identity_t<std::shared_ptr<T>> service, RegisterOptions options = {}) {
    add_erased(T::kKind, typeid(T).name(), std::move(name), std::move(service), std::move(options));
  }

  // The highest-priority service of T's kind answering to `name`, or nullptr.
  // Throws spackext::Error if that service was registered as another type.
  template <class T>
  std::shared_ptr<T> find(std::string_view name) {
    return std::static_pointer_cast<T>(find_erased(T::kKind, typeid(T).name(), name));
  }

  // As find(), but a miss is a ServiceNotFound naming what is installed.
  template <class T>
  std::shared_ptr<T> get(std::string_view name) {
    if (auto s = find<T>(name)) return s;
    throw_not_found(T::kKind, name);
  }

  // Every service of T's kind, highest priority first (ties by registration order).
  template <class T>
  std::vector<std::shared_ptr<T>> all() {
    std::vector<std::shared_ptr<T>> out;
    for (auto& s : all_erased(T::kKind, typeid(T).name())) out.push_back(std::static_pointer_cast<T>(s));
    return out;
  }

  // Metadata of the registered services, optionally of one kind.
  std::vector<ServiceInfo> list(std::string_view kind = {}) const;

  // --- host side -----------------------------------------------------------
  // Fixes the interface type of T's kind before any plugin registers one
  // (the host does it for the SDK's kinds), so an impostor registering
  // first is the one refused.
  template <class T>
  void declare_kind() {
    declare_kind_erased(T::kKind, typeid(T).name());
  }
  // A handle on the same services whose registrations are owned by `plugin`;
  // the host gives one to each plugin it loads. Lookups, lazy loading and
  // everything else go to the shared registry.
  std::unique_ptr<Registry> for_plugin(std::string plugin, std::string version);
  void set_resolver(ServiceResolver* resolver);
  // Drop the services a plugin added (its registration failed half-way).
  void remove_owned_by(std::string_view plugin);
  // Destroy every service, newest first. Called before any library is released.
  void clear();
  std::size_t size() const;

 private:
  struct Entry;
  struct State;
  Registry(std::shared_ptr<State> state, std::string owner, std::string owner_version);
  void add_erased(std::string_view kind, std::string_view type, std::string name,
                  std::shared_ptr<Service> service, RegisterOptions options);
  void declare_kind_erased(std::string_view kind, std::string_view type);
  std::shared_ptr<Service> find_erased(std::string_view kind, std::string_view type, std::string_view name);
  std::shared_ptr<Service> find_loaded(std::string_view kind, std::string_view type, std::string_view name) const;
  std::vector<std::shared_ptr<Service>> all_erased(std::string_view kind, std::string_view type);
  [[noreturn]] void throw_not_found(std::string_view kind, std::string_view name) const;

  std::shared_ptr<State> state_;  // shared by the host's registry and every plugin's handle
  std::string owner_ = "host";
  std::string owner_version_;
  bool is_root_ = true;
};

}  // namespace spackext
