#include <dlfcn.h>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <ostream>

#include <nlohmann/json.hpp>

#include "bundles/bundle_command.hpp"
#include "cli/builtin_commands.hpp"
#include "plugins/elf_manifest.hpp"
#include "spackext/errors.hpp"
#include "spackext/version.hpp"

namespace spackext::core {
namespace {

using nlohmann::json;

json record_json(const PluginRecord& r) {
  json j{{"name", r.name()},
         {"state", std::string(to_string(r.state))},
         {"path", r.path.string()},
         {"origin", r.origin}};
  if (!r.reason.empty()) j["reason"] = r.reason;
  if (r.manifest) {
    const Manifest& m = *r.manifest;
    j["version"] = m.version.str();
    j["api_version"] = m.api_version();
    j["abi"] = m.abi;
    j["priority"] = m.priority;
    j["description"] = m.description;
    j["vendor"] = m.vendor;
    j["license"] = m.license;
    auto body = m.to_json()["manifest"];
    j["services"] = body["services"];
    j["commands"] = body["commands"];
    j["requires"] = body["requires"];
  }
  return j;
}

std::string provides_text(const PluginRecord& r) {
  if (!r.manifest) return "-";
  std::string s;
  for (const auto& svc : r.manifest->services) s += (s.empty() ? "" : ", ") + svc.kind + ":" + svc.name;
  return s.empty() ? "-" : s;
}

int plugin_list(Host& host, std::ostream& out) {
  auto& records = host.catalog().records();
  if (host.output().json) {
    json j = json::array();
    for (const auto& r : records) j.push_back(record_json(r));
    out << j.dump(2) << "\n";
    return kExitOk;
  }
  if (records.empty()) {
    out << "No plugins found. Searched:\n";
    for (const auto& root : host.catalog().roots()) out << "  " << root.dir.string() << " (" << root.origin << ")\n";
    return kExitOk;
  }
  std::size_t wn = 4, wv = 7, ws = 5;
  for (const auto& r : records) {
    wn = std::max(wn, r.name().size());
    wv = std::max(wv, r.manifest ? r.manifest->version.str().size() : 1);
    ws = std::max(ws, to_string(r.state).size());
  }
  auto col = [](std::size_t w) { return std::setw(static_cast<int>(w) + 2); };
  out << std::left << col(wn) << "NAME" << col(wv) << "VERSION" << col(ws) << "STATE" << "PROVIDES\n";
  for (const auto& r : records) {
    out << std::left << col(wn) << r.name() << col(wv) << (r.manifest ? r.manifest->version.str() : "-")
        << col(ws) << to_string(r.state) << provides_text(r) << "\n";
    if (r.state == PluginState::shadowed) out << "    " << r.reason << "\n";
  }
  std::size_t problems = std::count_if(records.begin(), records.end(), [](const PluginRecord& r) {
    return !r.usable() && r.state != PluginState::shadowed;
  });
  if (problems) out << "\n" << problems << " plugin(s) cannot be used; run 'spack-ext plugin doctor'.\n";
  return kExitOk;
}

int plugin_info(Host& host, const std::string& name, std::ostream& out) {
  std::vector<const PluginRecord*> matches;
  for (const auto& r : host.catalog().records())
    if (r.name() == name) matches.push_back(&r);
  if (matches.empty()) {
    std::string names;
    for (const auto& r : host.catalog().records()) names += (names.empty() ? "" : ", ") + r.name();
    throw UsageError("no plugin named '" + name + "'" + (names.empty() ? std::string(" (no plugins installed)") : "; installed: " + names));
  }
  if (host.output().json) {
    json j = json::array();
    for (auto* r : matches) j.push_back(record_json(*r));
    out << (j.size() == 1 ? j[0] : j).dump(2) << "\n";
    return kExitOk;
  }
  for (auto* r : matches) {
    out << r->name() << "\n";
    out << "  state:       " << to_string(r->state) << "\n";
    if (!r->reason.empty()) out << "  reason:      " << r->reason << "\n";
    out << "  path:        " << r->path.string() << " (" << r->origin << ")\n";
    if (!r->manifest) continue;
    const Manifest& m = *r->manifest;
    out << "  version:     " << m.version.str() << "\n"
        << "  API / ABI:   " << m.api_version() << " / " << m.abi << "\n"
        << "  priority:    " << m.priority << "\n";
    if (!m.description.empty()) out << "  description: " << m.description << "\n";
    if (!m.vendor.empty()) out << "  vendor:      " << m.vendor << "\n";
    if (!m.license.empty()) out << "  license:     " << m.license << "\n";
    for (const auto& s : m.services) {
      out << "  service:     " << s.kind << " " << s.name;
      if (!s.aliases.empty()) {
        out << " (also";
        for (auto& a : s.aliases) out << " " << a;
        out << ")";
      }
      out << ", priority " << s.priority << "\n";
    }
    for (const auto& c : m.commands) out << "  command:     " << c.name << " - " << c.description << "\n";
    for (const auto& q : m.requires_) out << "  requires:    " << q.name << " " << q.range << "\n";
  }
  return kExitOk;
}

int plugin_doctor(Host& host, std::ostream& out) {
  auto& catalog = host.catalog();
  // Loading is the only way to find a missing entry point or a failing
  // registration; everything refused earlier is never run.
  host.loader().load_all();
  std::vector<const PluginRecord*> problems;
  for (const auto& r : catalog.records())
    if (r.state != PluginState::loaded) problems.push_back(&r);
  if (host.output().json) {
    json j{{"checked", catalog.records().size()}, {"problems", json::array()}, {"search_path", json::array()}};
    for (auto* r : problems) j["problems"].push_back(record_json(*r));
    for (const auto& root : catalog.roots()) j["search_path"].push_back({{"dir", root.dir.string()}, {"origin", root.origin}});
    out << j.dump(2) << "\n";
  } else {
    out << "Plugin search path (first wins on equal priority):\n";
    for (const auto& root : catalog.roots()) out << "  " << root.dir.string() << " (" << root.origin << ")\n";
    out << "\n";
    for (auto* r : problems) {
      out << r->name() << ": " << to_string(r->state) << "\n"
          << "  file:   " << r->path.string() << "\n"
          << "  reason: " << r->reason << "\n";
    }
    out << (problems.empty() ? "" : "\n") << catalog.records().size() << " plugin(s) checked, "
        << catalog.records().size() - problems.size() << " loaded, " << problems.size() << " not loaded.\n";
  }
  return problems.empty() ? kExitOk : kExitFailure;
}

// What the catalog would say about a plugin file with these bytes, minus
// the file-system checks (trust) that only apply once it is installed.
bundles::PluginImageCheck check_plugin_image(std::string_view image) {
  bundles::PluginImageCheck check;
  auto elf = read_elf_manifest_image(image);
  if (elf.status == ElfManifestResult::Status::no_section) {
    check.problem = "no .spackext_manifest section: not a spack-ext plugin";
    return check;
  }
  if (elf.status != ElfManifestResult::Status::ok) {
    check.problem = elf.error;
    return check;
  }
  try {
    check.manifest = Manifest::from_envelope(elf.text);
  } catch (const ManifestError& e) {
    check.problem = std::string("malformed manifest: ") + e.what();
    return check;
  }
  check.problem = compatibility_problem(*check.manifest, {false, kApiMajor, kApiMinor, std::string(kAbiTag)});
  return check;
}

// pack, install, remove, verify and trust live in libspackext-bundles,
// loaded only now (see bundles/bundle_command.hpp for why).
int run_bundle_subcommand(Host& host, const std::vector<std::string>& args, std::ostream& out) {
  const auto library = host.paths().prefix / SPACKEXT_BUNDLES_LIBRARY;
  void* handle = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) throw Error("plugin " + args[0] + ": bundle support is not installed: " + ::dlerror());
  auto* run = reinterpret_cast<decltype(&spackext_run_bundle_command)>(::dlsym(handle, "spackext_run_bundle_command"));
  if (!run) throw Error("plugin " + args[0] + ": " + library.string() + " has no entry point: " + ::dlerror());
  const Paths& paths = host.paths();
  bundles::BundleEnvironment env;
  env.user_plugins = paths.user_plugins;
  env.site_plugins = paths.site_plugins;
  env.user_keys = paths.config_dir / "trusted-keys";
  env.site_keys = paths.site_plugins.parent_path() / "trusted-keys";
  env.cache_dir = paths.cache_dir;
  env.host_version = std::string(release_version());
  env.check_plugin_image = check_plugin_image;
  env.output = host.output();
  env.out = &out;
  env.log = &std::cerr;
  return run(&env, &args);  // the library stays loaded until exit, like plugins
}

}  // namespace

int run_plugin_command(Host& host, const std::vector<std::string>& args, std::ostream& out) {
  if (args.empty()) throw UsageError("plugin: missing subcommand (list, info, doctor, pack, install, remove, verify, trust)");
  const std::string& sub = args[0];
  if (sub == "list") {
    if (args.size() > 1) throw UsageError("plugin list: unexpected argument '" + args[1] + "'");
    return plugin_list(host, out);
  }
  if (sub == "info") {
    if (args.size() != 2) throw UsageError("plugin info: expected exactly one plugin NAME");
    return plugin_info(host, args[1], out);
  }
  if (sub == "doctor") {
    if (args.size() > 1) throw UsageError("plugin doctor: unexpected argument '" + args[1] + "'");
    return plugin_doctor(host, out);
  }
  if (sub == "pack" || sub == "install" || sub == "remove" || sub == "verify" || sub == "trust")
    return run_bundle_subcommand(host, args, out);
  throw UsageError("plugin: unknown subcommand '" + sub +
                   "' (expected list, info, doctor, pack, install, remove, verify or trust)");
}

}  // namespace spackext::core
