#include "modules_command.hpp"

#include <filesystem>
#include <ostream>

#include "mirror_names.hpp"
#include "modules_generator.hpp"

namespace spackext::modules {

namespace {

std::string scheme_of(const std::string& url) {
  auto colon = url.find("://");
  std::string scheme = url.substr(0, colon);
  // oci+http://... is served by the oci backend.
  if (auto plus = scheme.find('+'); plus != std::string::npos) scheme = scheme.substr(0, plus);
  return scheme;
}

}  // namespace

int ModulesCommand::run(const CommandInvocation& inv) {
  const ParsedArgs& args = inv.parsed;
  GenerateOptions options;
  options.refresh = args.subcommand() == "refresh";
  options.source = args.get("from");
  options.root = args.get("root");
  options.system = args.get("system", "lmod");
  if (args.given("config")) options.config = args.get("config");
  options.module_set = args.get("module-set", "default");
  options.prefix_variable = args.get("prefix-variable");
  if (args.given("install-root")) options.install_root = args.get("install-root");
  if (args.given("spack-config")) options.spack_config = args.get("spack-config");
  options.dry_run = args.given("dry-run");

  // SOURCE may name a mirror spack-ext knows (`buildcache add-mirror`).
  nlohmann::json mirror_settings;
  std::error_code ec;
  if (options.source.find("://") == std::string::npos && !std::filesystem::exists(options.source, ec)) {
    if (auto named = find_named_mirror(host_.paths().config_dir / "mirrors.yaml", options.source)) {
      options.source = named->url;
      mirror_settings = named->settings;
    }
  }

  auto* host = &host_;
  ModulesGenerator generator(
      [host](const std::string& system) { return host->registry().get<ModuleWriter>(system); },
      [host, mirror_settings](const std::string& url) {
        nlohmann::json settings = mirror_settings.is_object() ? mirror_settings : nlohmann::json{{"url", url}};
        return host->registry().get<MirrorBackend>(scheme_of(url))->open(url, settings);
      },
      &host_.bus());
  auto result = generator.run(options);

  if (inv.output.json) {
    inv.out << result.to_json().dump(2) << "\n";
    return 0;
  }
  const char* verb = options.dry_run ? "would write" : "wrote";
  inv.out << result.system << " modules in " << result.root << ": " << verb << " " << result.written.size()
          << ", kept " << result.kept.size() << ", " << (options.dry_run ? "would remove " : "removed ")
          << result.removed.size() << "\n";
  if (!result.missing_prefixes.empty())
    inv.err << "note: " << result.missing_prefixes.size()
            << " install prefixes do not exist yet; their PATH/MANPATH/PKG_CONFIG_PATH entries follow what the "
               "prefix holds, so run `spack-ext modules refresh` once they are installed\n";
  return 0;
}

}  // namespace spackext::modules
