// The plugin catalog: every plugin file on the search path, read from its
// manifest only, with the verdict of every check that can be made without
// running plugin code: trust, API version, ABI tag, duplicates, and the
// dependency graph (missing, wrong version, cycles).
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "plugins/manifest_cache.hpp"
#include "plugins/plugin_record.hpp"
#include "plugins/trust.hpp"

namespace spackext::core {

struct SearchRoot {
  std::filesystem::path dir;
  std::string origin;  // "--plugin-path", "SPACK_EXT_PLUGIN_PATH", "user", "site", "prefix"
};

struct CatalogOptions {
  bool allow_insecure = false;
  int host_api_major;
  int host_api_minor;
  std::string host_abi;
};

// Why a plugin with this manifest cannot run in this host (API major, newer
// minor, C++ ABI tag), or "" if it can. The catalog and bundle installs share it.
std::string compatibility_problem(const Manifest& m, const CatalogOptions& host);

class Catalog {
 public:
  Catalog(std::vector<SearchRoot> roots, ManifestCache& cache, CatalogOptions options);

  // Finds and checks every plugin; call once.
  void scan();

  std::vector<PluginRecord>& records() { return records_; }
  const std::vector<PluginRecord>& records() const { return records_; }
  const std::vector<SearchRoot>& roots() const { return roots_; }

  // The usable plugin of that name (the winner among duplicates), or nullptr.
  PluginRecord* usable(std::string_view name);
  // Any record of that name, preferring the usable one.
  PluginRecord* any(std::string_view name);
  // The usable plugin providing a command, highest plugin priority first.
  PluginRecord* command_provider(std::string_view command);
  // Usable plugins declaring a service, highest service priority first.
  std::vector<PluginRecord*> service_providers(std::string_view kind, std::string_view name);
  std::vector<PluginRecord*> kind_providers(std::string_view kind);

 private:
  void read_one(PluginRecord& r, const struct stat& st);
  void check_compatibility(PluginRecord& r);
  void resolve_duplicates();
  void resolve_dependencies();

  std::vector<SearchRoot> roots_;
  ManifestCache& cache_;
  CatalogOptions options_;
  std::vector<PluginRecord> records_;
  std::map<std::string, TrustVerdict> folder_verdicts_;
  // command -> plugins declaring it, highest plugin priority first (built by scan)
  std::unordered_map<std::string, std::vector<PluginRecord*>> command_index_;  // by folder, within one scan
};

}  // namespace spackext::core
