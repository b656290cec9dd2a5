#include "spackext/registry.hpp"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <sstream>

namespace spackext {

namespace {

// "N8spackext8ExecutorE" -> "spackext::Executor", for messages only.
std::string readable(std::string_view mangled) {
  std::string name(mangled);
  int status = 0;
  char* out = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (status != 0 || !out) return name;
  std::string result(out);
  std::free(out);
  return result;
}

std::string who(const std::string& plugin) { return plugin == "host" ? "the host" : "plugin '" + plugin + "'"; }

}  // namespace

struct Registry::Entry {
  ServiceInfo info;
  std::string type;  // mangled name of the interface it was registered as
  std::shared_ptr<Service> service;
  std::size_t order = 0;

  bool answers_to(std::string_view kind, std::string_view name) const {
    if (info.kind != kind) return false;
    if (info.name == name) return true;
    return std::find(info.aliases.begin(), info.aliases.end(), name) != info.aliases.end();
  }
};

struct Registry::State {
  struct KindType {
    std::string type;   // mangled interface name
    std::string owner;  // who fixed it: "host" (declared) or the first registering plugin
  };
  mutable std::shared_mutex mutex;
  std::vector<std::unique_ptr<Entry>> entries;
  std::map<std::string, KindType, std::less<>> kinds;
  ServiceResolver* resolver = nullptr;
};

Registry::Registry() : state_(std::make_shared<State>()) {}

Registry::Registry(std::shared_ptr<State> state, std::string owner, std::string owner_version)
    : state_(std::move(state)), owner_(std::move(owner)), owner_version_(std::move(owner_version)),
      is_root_(false) {}

Registry::~Registry() {
  if (is_root_) clear();
}

std::unique_ptr<Registry> Registry::for_plugin(std::string plugin, std::string version) {
  return std::unique_ptr<Registry>(new Registry(state_, std::move(plugin), std::move(version)));
}

void Registry::declare_kind_erased(std::string_view kind, std::string_view type) {
  std::unique_lock lock(state_->mutex);
  auto it = state_->kinds.find(kind);
  if (it != state_->kinds.end() && it->second.type != type)
    throw Error("kind '" + std::string(kind) + "' is already " + readable(it->second.type) + " (from " +
                who(it->second.owner) + "); cannot declare it as " + readable(type));
  state_->kinds[std::string(kind)] = {std::string(type), owner_};
}

void Registry::add_erased(std::string_view kind, std::string_view type, std::string name,
                          std::shared_ptr<Service> service, RegisterOptions options) {
  if (!service) throw Error("cannot register a null " + std::string(kind) + " service '" + name + "'");
  std::unique_lock lock(state_->mutex);
  auto it = state_->kinds.find(kind);
  if (it == state_->kinds.end()) {
    state_->kinds[std::string(kind)] = {std::string(type), owner_};
  } else if (it->second.type != type) {
    throw Error(who(owner_) + " registers " + std::string(kind) + " service '" + name + "' as " + readable(type) +
                ", but kind '" + std::string(kind) + "' is " + readable(it->second.type) + " (from " +
                who(it->second.owner) + "); refused: the two were built against different interfaces");
  }
  auto e = std::make_unique<Entry>();
  e->info = ServiceInfo{std::string(kind), std::move(name), std::move(options.aliases), options.priority,
                        owner_, owner_version_};
  e->type = std::string(type);
  e->service = std::move(service);
  e->order = state_->entries.size();
  state_->entries.push_back(std::move(e));
}

std::shared_ptr<Service> Registry::find_loaded(std::string_view kind, std::string_view type,
                                               std::string_view name) const {
  std::shared_lock lock(state_->mutex);
  const Entry* best = nullptr;
  for (const auto& e : state_->entries) {
    if (!e->answers_to(kind, name)) continue;
    if (!best || e->info.priority > best->info.priority) best = e.get();
  }
  if (!best) return nullptr;
  if (best->type != type)
    throw Error(std::string(kind) + " service '" + best->info.name + "' from " + who(best->info.plugin) + " is " +
                readable(best->type) + ", not the " + readable(type) + " asked for");
  return best->service;
}

std::shared_ptr<Service> Registry::find_erased(std::string_view kind, std::string_view type,
                                               std::string_view name) {
  if (auto s = find_loaded(kind, type, name)) return s;
  ServiceResolver* resolver;
  {
    std::shared_lock lock(state_->mutex);
    resolver = state_->resolver;
  }
  if (resolver && resolver->load_service(kind, name)) return find_loaded(kind, type, name);
  return nullptr;
}

std::vector<std::shared_ptr<Service>> Registry::all_erased(std::string_view kind, std::string_view type) {
  ServiceResolver* resolver;
  {
    std::shared_lock lock(state_->mutex);
    resolver = state_->resolver;
  }
  if (resolver) resolver->load_kind(kind);
  std::shared_lock lock(state_->mutex);
  std::vector<const Entry*> hits;
  for (const auto& e : state_->entries)
    if (e->info.kind == kind) {
      if (e->type != type)
        throw Error(std::string(kind) + " service '" + e->info.name + "' from " + who(e->info.plugin) + " is " +
                    readable(e->type) + ", not the " + readable(type) + " asked for");
      hits.push_back(e.get());
    }
  std::stable_sort(hits.begin(), hits.end(), [](const Entry* a, const Entry* b) {
    return a->info.priority > b->info.priority;
  });
  std::vector<std::shared_ptr<Service>> out;
  out.reserve(hits.size());
  for (auto* e : hits) out.push_back(e->service);
  return out;
}

std::vector<ServiceInfo> Registry::list(std::string_view kind) const {
  std::shared_lock lock(state_->mutex);
  std::vector<ServiceInfo> out;
  for (const auto& e : state_->entries)
    if (kind.empty() || e->info.kind == kind) out.push_back(e->info);
  return out;
}

void Registry::throw_not_found(std::string_view kind, std::string_view name) const {
  std::ostringstream msg;
  msg << "no " << kind << " service named '" << name << "' is installed";
  std::vector<std::string> names;
  ServiceResolver* resolver;
  {
    std::shared_lock lock(state_->mutex);
    for (const auto& e : state_->entries)
      if (e->info.kind == kind) names.push_back(e->info.name);
    resolver = state_->resolver;
  }
  if (resolver)
    for (auto& n : resolver->declared(kind)) names.push_back(n);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  if (names.empty()) {
    msg << " (no plugin provides any " << kind << " service)";
  } else {
    msg << "; installed " << kind << " services: ";
    for (std::size_t i = 0; i < names.size(); ++i) msg << (i ? ", " : "") << names[i];
  }
  throw ServiceNotFound(msg.str());
}

void Registry::set_resolver(ServiceResolver* resolver) {
  std::unique_lock lock(state_->mutex);
  state_->resolver = resolver;
}

void Registry::remove_owned_by(std::string_view plugin) {
  std::vector<std::shared_ptr<Service>> doomed;  // destroyed outside the lock
  {
    std::unique_lock lock(state_->mutex);
    for (auto& e : state_->entries)
      if (e->info.plugin == plugin) doomed.push_back(std::move(e->service));
    std::erase_if(state_->entries, [&](const auto& e) { return e->info.plugin == plugin; });
    // A kind this plugin introduced is free again once nothing of it is left.
    std::erase_if(state_->kinds, [&](const auto& k) {
      return k.second.owner == plugin &&
             std::none_of(state_->entries.begin(), state_->entries.end(),
                          [&](const auto& e) { return e->info.kind == k.first; });
    });
  }
  while (!doomed.empty()) doomed.pop_back();
}

void Registry::clear() {
  std::vector<std::unique_ptr<Entry>> doomed;
  {
    std::unique_lock lock(state_->mutex);
    doomed.swap(state_->entries);
  }
  while (!doomed.empty()) doomed.pop_back();  // newest first
}

std::size_t Registry::size() const {
  std::shared_lock lock(state_->mutex);
  return state_->entries.size();
}

}  // namespace spackext
