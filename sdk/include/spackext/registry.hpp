// The typed service registry: plugins add services by kind and name; the host
// and other plugins look them up. Lookups that miss ask the host to load the
// plugins whose manifests declare the service (lazy loading), then retry.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
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
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  template <class T>
  void add(std::string name, std::shared_ptr<T> service, RegisterOptions options = {}) {
    add_erased(std::string(T::kKind), std::move(name), std::move(service), std::move(options));
  }

  // The highest-priority service of T's kind answering to `name`, or nullptr.
  template <class T>
  std::shared_ptr<T> find(std::string_view name) {
    return std::static_pointer_cast<T>(find_erased(T::kKind, name));
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
    for (auto& s : all_erased(T::kKind)) out.push_back(std::static_pointer_cast<T>(s));
    return out;
  }

  // Metadata of the registered services, optionally of one kind.
  std::vector<ServiceInfo> list(std::string_view kind = {}) const;

  // --- host side -----------------------------------------------------------
  void set_resolver(ServiceResolver* resolver);
  // Services added from now on are recorded as owned by this plugin.
  void set_current_owner(std::string plugin, std::string version);
  // Drop the services a plugin added (its registration failed half-way).
  void remove_owned_by(std::string_view plugin);
  // Destroy every service, newest first. Called before any library is released.
  void clear();
  std::size_t size() const;

 private:
  struct Entry;
  void add_erased(std::string kind, std::string name, std::shared_ptr<Service> service,
                  RegisterOptions options);
  std::shared_ptr<Service> find_erased(std::string_view kind, std::string_view name);
  std::shared_ptr<Service> find_loaded(std::string_view kind, std::string_view name) const;
  std::vector<std::shared_ptr<Service>> all_erased(std::string_view kind);
  [[noreturn]] void throw_not_found(std::string_view kind, std::string_view name) const;

  mutable std::shared_mutex mutex_;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::string owner_ = "host";
  std::string owner_version_;
  ServiceResolver* resolver_ = nullptr;
};

}  // namespace spackext
