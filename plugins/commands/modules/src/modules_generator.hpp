// `modules generate` / `modules refresh` without the command line: source ->
// plan -> the writer of the chosen system -> the module tree, with events
// and progress on the bus.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include <spackext/bus.hpp>
#include <spackext/services/modules.hpp>

#include "spec_source.hpp"

namespace spackext::modules {

struct GenerateOptions {
  std::string source;
  std::filesystem::path root;
  std::string system = "lmod";
  std::optional<std::filesystem::path> config;        // modules.yaml
  std::string module_set = "default";
  std::string prefix_variable;                        // relocatable when set
  std::optional<std::string> install_root;            // --install-root
  std::optional<std::filesystem::path> spack_config;  // --spack-config (a scope folder)
  bool dry_run = false;
  bool refresh = false;  // keep unchanged files
};

struct GenerateResult {
  std::string system;
  std::string root;
  std::string source;
  std::vector<std::string> written, kept, removed;
  std::vector<std::string> missing_prefixes;
  nlohmann::json to_json() const;
};

class ModulesGenerator {
 public:
  using WriterLookup = std::function<std::shared_ptr<ModuleWriter>(const std::string& system)>;
  ModulesGenerator(WriterLookup writers, MirrorOpener mirrors, Bus* bus)
      : writers_(std::move(writers)), mirrors_(std::move(mirrors)), bus_(bus) {}

  GenerateResult run(const GenerateOptions& options);

 private:
  WriterLookup writers_;
  MirrorOpener mirrors_;
  Bus* bus_;
};

}  // namespace spackext::modules
