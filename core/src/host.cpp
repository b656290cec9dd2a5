#include "host.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "config/config_loader.hpp"
#include "health/plugins_health_check.hpp"
#include "logging/logging.hpp"
#include "spackext/host_context.hpp"
#include "spackext/spackext.hpp"
#include "spackext/version.hpp"

extern char** environ;

namespace spackext::core {
namespace fs = std::filesystem;

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

// Environment and user-controlled paths are ignored when running with
// elevated rights (as ld.so does for setuid programs).
bool privileged() { return ::geteuid() != ::getuid() || ::getegid() != ::getgid(); }

// The context one plugin registers with: its own logger and name, and its
// own handle on the registry, so what it registers is owned by it however
// registrations of plugins it lazily loads interleave.
class PluginContext final : public HostContext {
 public:
  PluginContext(Host& host, std::string name, std::string version)
      : host_(host), name_(std::move(name)), logger_(make_plugin_logger(host.logger(), name_)),
        registry_(host.registry().for_plugin(name_, std::move(version))) {}
  Registry& registry() override { return *registry_; }
  Bus& bus() override { return host_.bus(); }
  std::shared_ptr<spdlog::logger> logger() override { return logger_; }
  const Config& config() const override { return host_.config(); }
  const Paths& paths() const override { return host_.paths(); }
  const OutputOptions& output() const override { return host_.output(); }
  const std::string& plugin_name() const override { return name_; }

 private:
  Host& host_;
  std::string name_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<Registry> registry_;
};

}  // namespace

Paths resolve_paths() {
  Paths p;
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  p.prefix = ec ? fs::current_path() : exe.parent_path().parent_path();
  p.data_dir = p.prefix / "share" / "spack-ext";
  const std::string home = env_or("HOME", "/");
  p.config_dir = fs::path(env_or("XDG_CONFIG_HOME", home + "/.config")) / "spack-ext";
  p.state_dir = fs::path(env_or("XDG_STATE_HOME", home + "/.local/state")) / "spack-ext";
  p.cache_dir = fs::path(env_or("XDG_CACHE_HOME", home + "/.cache")) / "spack-ext";
  p.user_plugins = fs::path(env_or("XDG_DATA_HOME", home + "/.local/share")) / "spack-ext" / "plugins";
  p.site_plugins = fs::path(env_or("SPACK_EXT_SITE_DIR", "/etc/spack-ext")) / "plugins";
  return p;
}

Host::Host(HostOptions options)
    : options_(std::move(options)),
      paths_(resolve_paths()),
      logger_(make_host_logger(options_.output)),
      bus_(logger_) {
  // The SDK's kinds have the SDK's interfaces, whichever plugin comes first.
  registry_.declare_kind<Command>();
  registry_.declare_kind<Provider>();
  registry_.declare_kind<MirrorBackend>();
  registry_.declare_kind<Executor>();
  registry_.declare_kind<CiGenerator>();
  registry_.declare_kind<Optimizer>();
  registry_.declare_kind<ModuleWriter>();
  registry_.declare_kind<Sink>();
  registry_.declare_kind<HealthCheck>();
  registry_.declare_kind<Planner>();
  registry_.declare_kind<BuildcacheReader>();
  ConfigSources sources;
  sources.site_dir = paths_.site_plugins.parent_path();
  sources.user_dir = paths_.config_dir;
  sources.working_dir = fs::current_path();
  sources.explicit_file = options_.config_file;
  for (char** e = environ; *e; ++e) {
    if (std::strncmp(*e, "SPACK_EXT_", 10) != 0) continue;
    std::string kv(*e);
    auto eq = kv.find('=');
    std::string name = kv.substr(0, eq);
    // Host-level switches are not configuration keys.
    if (name == "SPACK_EXT_PLUGIN_PATH" || name == "SPACK_EXT_SITE_DIR" ||
        name == "SPACK_EXT_ALLOW_INSECURE_PLUGINS" || name == "SPACK_EXT_SYSTEM_PLUGIN_PATH")
      continue;
    sources.environment[name] = kv.substr(eq + 1);
  }
  config_ = load_config(sources);
  if (config_.value("plugins.allow_insecure", false)) options_.allow_insecure_plugins = true;

  if (options_.events_file) event_log_ = std::make_unique<EventLog>(bus_, *options_.events_file);
  if (options_.output.interactive && !options_.output.quiet && !options_.output.json)
    progress_ = std::make_unique<ProgressRenderer>(bus_, stderr);
}

Host::~Host() {
  // 1. No more deliveries; subscriptions (and what they captured) go first.
  try {
    stop_sinks();
  } catch (const std::exception& e) {
    logger_->warn("stopping sinks: {}", e.what());
  }
  progress_.reset();
  event_log_.reset();
  bus_.close();
  // 2. Every service, before the plugin objects and libraries behind them.
  registry_.set_resolver(nullptr);
  registry_.clear();
  // 3. Plugin objects and contexts. Libraries stay mapped (RTLD_NODELETE).
  if (loader_) loader_->release_plugins();
}

void Host::start_sinks() {
  const auto& section = config_.at("sinks");
  if (section.is_null()) return;
  if (!section.is_object())
    throw InputError("sinks", "expected a mapping of sink names to their settings (configuration from " +
                                  (config_.sources().empty() ? std::string("defaults") : config_.sources().back()) + ")");
  loader();  // lookups below load the plugins that declare the sinks
  for (const auto& [name, settings] : section.items()) {
    auto sink = registry_.get<Sink>(name);
    sink->start(bus_, settings);
    sinks_.push_back(std::move(sink));
  }
}

void Host::stop_sinks() {
  auto sinks = std::move(sinks_);
  sinks_.clear();
  for (auto& s : sinks) s->stop();
}

std::vector<SearchRoot> Host::search_roots() const {
  std::vector<SearchRoot> roots;
  auto add_list = [&](const std::string& list, const std::string& origin) {
    std::size_t start = 0;
    while (start <= list.size()) {
      auto colon = list.find(':', start);
      std::string entry = list.substr(start, colon - start);
      // Relative entries are made absolute here, against the working folder,
      // so nothing is ever looked up through a library search path.
      if (!entry.empty()) roots.push_back({fs::absolute(entry), origin});
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  };
  for (const auto& p : options_.plugin_paths) add_list(p.string(), "--plugin-path");
  if (!privileged()) add_list(env_or("SPACK_EXT_PLUGIN_PATH", ""), "SPACK_EXT_PLUGIN_PATH");
  // SPACK_EXT_SYSTEM_PLUGIN_PATH replaces the user, site and prefix folders
  // (as GST_PLUGIN_SYSTEM_PATH does): tests and relocated installs use it.
  if (const char* system = std::getenv("SPACK_EXT_SYSTEM_PLUGIN_PATH"); system && !privileged()) {
    add_list(system, "SPACK_EXT_SYSTEM_PLUGIN_PATH");
    return roots;
  }
  if (!privileged()) roots.push_back({paths_.user_plugins, "user"});
  roots.push_back({paths_.site_plugins, "site"});
  roots.push_back({paths_.prefix / SPACKEXT_PLUGIN_SUBDIR, "prefix"});
  return roots;
}

Catalog& Host::catalog() {
  if (!catalog_) {
    auto cache_file = options_.no_plugin_cache ? fs::path() : ManifestCache::default_file(paths_.cache_dir);
    cache_ = std::make_unique<ManifestCache>(cache_file);
    bool allow = options_.allow_insecure_plugins ||
                 (!privileged() && env_or("SPACK_EXT_ALLOW_INSECURE_PLUGINS", "") == "1");
    catalog_ = std::make_unique<Catalog>(
        search_roots(), *cache_,
        CatalogOptions{allow, kApiMajor, kApiMinor, std::string(kAbiTag)});
    catalog_->scan();
  }
  return *catalog_;
}

Loader& Host::loader() {
  if (!loader_) {
    loader_ = std::make_unique<Loader>(catalog(), registry_, bus_, [this](const PluginRecord& r) {
      return std::make_unique<PluginContext>(*this, r.name(), r.manifest->version.str());
    });
    registry_.set_resolver(loader_.get());
    // Services the host provides itself, owned by "host".
    registry_.add<HealthCheck>("plugins", std::make_shared<PluginsHealthCheck>(*this));
  }
  return *loader_;
}

}  // namespace spackext::core
