// `config generate`: gathers what the machine or the requested cloud
// instance offers (provider catalog, microarchitecture, compilers, externals,
// site facts), renders a template set into a Spack configuration scope,
// validates every YAML file it rendered and publishes the scope atomically.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/config.hpp"
#include "spackext/registry.hpp"
#include "template_store.hpp"

namespace spackext::config {

struct GenerateRequest {
  bool auto_detect = false;
  std::string provider;       // aws, gcp, azure, site
  std::string instance_type;
  std::string region;
  std::string arch;           // archspec name; overrides everything else
  std::string site;           // a site profile under `sites.<name>` in spack-ext's config
  std::string template_set = "default";
  std::map<std::string, std::string> vars;  // --var KEY=VALUE
  std::string spack_version = "1.1";        // 1.x: compilers as externals; 0.23: compilers.yaml
  std::vector<std::filesystem::path> compiler_prefixes;
  bool rescan = false;  // ask every tool again instead of trusting remembered versions (--rescan)
  std::filesystem::path output;  // empty: a folder named after the site or instance, in the current one
  bool force = false;            // write into an existing non-empty default folder
};

struct GenerateResult {
  std::filesystem::path output;
  std::vector<std::string> files;  // written, in template order
  nlohmann::json context;          // what the templates saw
};

// The folder `config generate` writes to without --output: named after the
// site, or the provider and instance type, or this host.
std::filesystem::path default_output_folder(const GenerateRequest& request);

// "KEY=VALUE" -> {KEY, VALUE}; InputError for anything else.
std::pair<std::string, std::string> parse_var(const std::string& text);

class SiteGenerator {
 public:
  // `probe_cache`: where tool versions are remembered (empty: nowhere).
  SiteGenerator(Registry& registry, TemplateStore templates, const Config& config,
                std::filesystem::path probe_cache = {});

  // Everything the templates are rendered with; InputErrors for bad requests.
  nlohmann::json build_context(const GenerateRequest& request);
  // Renders the template set with build_context(); nothing is written if
  // anything fails.
  GenerateResult generate(const GenerateRequest& request);

 private:
  Registry& registry_;
  TemplateStore templates_;
  const Config& config_;
  std::filesystem::path probe_cache_;
};

}  // namespace spackext::config
