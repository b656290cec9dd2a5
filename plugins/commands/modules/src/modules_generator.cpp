#include "modules_generator.hpp"

#include <spackext/errors.hpp>
#include <spackext/progress.hpp>

#include "module_planner.hpp"
#include "module_tree.hpp"
#include "modules_config.hpp"

namespace spackext::modules {

namespace fs = std::filesystem;

nlohmann::json GenerateResult::to_json() const {
  return {{"system", system},   {"root", root},       {"source", source},
          {"written", written}, {"kept", kept},       {"removed", removed},
          {"missing_prefixes", missing_prefixes}};
}

GenerateResult ModulesGenerator::run(const GenerateOptions& options) {
  if (options.system != "lmod" && options.system != "tcl")
    throw UsageError("unknown module system '" + options.system + "' (expected lmod or tcl)");
  if (options.root.empty()) throw UsageError("--root DIR is required");
  if (!options.prefix_variable.empty()) {
    const auto& v = options.prefix_variable;
    bool ok = !std::isdigit(static_cast<unsigned char>(v[0])) &&
              std::all_of(v.begin(), v.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
    if (!ok) throw UsageError("--prefix-variable '" + v + "' is not an environment variable name");
  }

  // Everything that can fail on bad input happens before the root is touched.
  ModulesConfig config = options.config ? ModulesConfig::load(*options.config, options.module_set) : ModulesConfig::defaults();
  std::optional<spack::InstallLayout> layout;
  if (options.spack_config) layout = layout_from_spack_scope(*options.spack_config);
  if (options.install_root) {
    if (!layout) layout = spack::InstallLayout{};
    layout->root = fs::absolute(*options.install_root).lexically_normal().string();
  }
  SpecSource source = open_spec_source(options.source, layout, mirrors_);
  auto writer = writers_(options.system);

  PlanInput input;
  input.specs = &source.specs;
  input.explicit_hashes = source.explicit_hashes;
  input.prefix_of = [&](const spack::ConcreteSpec& s) { return source.prefix_of(s); };
  input.install_root = source.install_root;
  input.config = &config;
  input.system = options.system;
  Plan plan = plan_modules(input);

  const fs::path root = fs::absolute(options.root).lexically_normal();
  ModuleRequest request;
  request.specs = &source.specs;
  request.modules = std::move(plan.entries);
  request.config = config.system(options.system);
  request.config["_arch_folder"] = config.arch_folder;
  request.root = root.string();
  while (request.root.size() > 1 && request.root.back() == '/') request.root.pop_back();
  request.install_root = source.install_root;
  request.prefix_variable = options.prefix_variable;
  auto files = writer->render(request);

  if (!options.dry_run) check_root_writable(root);
  std::unique_ptr<Progress> progress;
  if (bus_) progress = std::make_unique<Progress>(*bus_, "modules", "Writing " + options.system + " modules", files.size());
  TreeOptions tree;
  tree.dry_run = options.dry_run;
  tree.keep_unchanged = options.refresh;
  tree.on_progress = [&] { if (progress) progress->advance(); };
  tree.on_written = [&](const std::string& rel, const ModuleFile* f) {
    if (bus_ && !options.dry_run)
      bus_->publish("modules.written", {{"system", options.system}, {"path", (root / rel).string()},
                                        {"hash", f->hash}, {"use_name", f->use_name}}, "modules");
  };
  tree.on_removed = [&](const std::string& rel) {
    if (bus_ && !options.dry_run)
      bus_->publish("modules.removed", {{"system", options.system}, {"path", (root / rel).string()}}, "modules");
  };
  auto changes = update_module_tree(root, files, tree);
  if (progress) progress->finish();

  GenerateResult result;
  result.system = options.system;
  result.root = root.string();
  result.source = source.description;
  result.written = std::move(changes.written);
  result.kept = std::move(changes.kept);
  result.removed = std::move(changes.removed);
  result.missing_prefixes = std::move(plan.missing_prefixes);
  return result;
}

}  // namespace spackext::modules
