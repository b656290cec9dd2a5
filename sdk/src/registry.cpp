#include "spackext/registry.hpp"

#include <algorithm>
#include <sstream>

namespace spackext {

struct Registry::Entry {
  ServiceInfo info;
  std::shared_ptr<Service> service;
  std::size_t order = 0;

  bool answers_to(std::string_view kind, std::string_view name) const {
    if (info.kind != kind) return false;
    if (info.name == name) return true;
    return std::find(info.aliases.begin(), info.aliases.end(), name) != info.aliases.end();
  }
};

Registry::Registry() = default;
Registry::~Registry() { clear(); }

void Registry::add_erased(std::string kind, std::string name, std::shared_ptr<Service> service,
                          RegisterOptions options) {
  if (!service) throw Error("cannot register a null " + kind + " service '" + name + "'");
  std::unique_lock lock(mutex_);
  auto e = std::make_unique<Entry>();
  e->info = ServiceInfo{std::move(kind), std::move(name), std::move(options.aliases),
                        options.priority, owner_, owner_version_};
  e->service = std::move(service);
  e->order = entries_.size();
  entries_.push_back(std::move(e));
}

std::shared_ptr<Service> Registry::find_loaded(std::string_view kind, std::string_view name) const {
  std::shared_lock lock(mutex_);
  const Entry* best = nullptr;
  for (const auto& e : entries_) {
    if (!e->answers_to(kind, name)) continue;
    if (!best || e->info.priority > best->info.priority) best = e.get();
  }
  return best ? best->service : nullptr;
}

std::shared_ptr<Service> Registry::find_erased(std::string_view kind, std::string_view name) {
  if (auto s = find_loaded(kind, name)) return s;
  ServiceResolver* resolver;
  {
    std::shared_lock lock(mutex_);
    resolver = resolver_;
  }
  if (resolver && resolver->load_service(kind, name)) return find_loaded(kind, name);
  return nullptr;
}

std::vector<std::shared_ptr<Service>> Registry::all_erased(std::string_view kind) {
  ServiceResolver* resolver;
  {
    std::shared_lock lock(mutex_);
    resolver = resolver_;
  }
  if (resolver) resolver->load_kind(kind);
  std::shared_lock lock(mutex_);
  std::vector<const Entry*> hits;
  for (const auto& e : entries_)
    if (e->info.kind == kind) hits.push_back(e.get());
  std::stable_sort(hits.begin(), hits.end(), [](const Entry* a, const Entry* b) {
    return a->info.priority > b->info.priority;
  });
  std::vector<std::shared_ptr<Service>> out;
  out.reserve(hits.size());
  for (auto* e : hits) out.push_back(e->service);
  return out;
}

std::vector<ServiceInfo> Registry::list(std::string_view kind) const {
  std::shared_lock lock(mutex_);
  std::vector<ServiceInfo> out;
  for (const auto& e : entries_)
    if (kind.empty() || e->info.kind == kind) out.push_back(e->info);
  return out;
}

void Registry::throw_not_found(std::string_view kind, std::string_view name) const {
  std::ostringstream msg;
  msg << "no " << kind << " service named '" << name << "' is installed";
  std::vector<std::string> names;
  {
    std::shared_lock lock(mutex_);
    for (const auto& e : entries_)
      if (e->info.kind == kind) names.push_back(e->info.name);
  }
  if (resolver_)
    for (auto& n : resolver_->declared(kind)) names.push_back(n);
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
  std::unique_lock lock(mutex_);
  resolver_ = resolver;
}

void Registry::set_current_owner(std::string plugin, std::string version) {
  std::unique_lock lock(mutex_);
  owner_ = std::move(plugin);
  owner_version_ = std::move(version);
}

void Registry::remove_owned_by(std::string_view plugin) {
  std::vector<std::shared_ptr<Service>> doomed;  // destroyed outside the lock
  {
    std::unique_lock lock(mutex_);
    for (auto& e : entries_)
      if (e->info.plugin == plugin) doomed.push_back(std::move(e->service));
    std::erase_if(entries_, [&](const auto& e) { return e->info.plugin == plugin; });
  }
  while (!doomed.empty()) doomed.pop_back();
}

void Registry::clear() {
  std::vector<std::unique_ptr<Entry>> doomed;
  {
    std::unique_lock lock(mutex_);
    doomed.swap(entries_);
  }
  while (!doomed.empty()) doomed.pop_back();  // newest first
}

std::size_t Registry::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

}  // namespace spackext
