#include "recipe_writer.hpp"

#include <unistd.h>

#include <fstream>
#include <optional>
#include <set>

#include <spackext/atomic_folder.hpp>
#include <spackext/errors.hpp>

#include "content_hash.hpp"

namespace spackext::container {

namespace fs = std::filesystem;

namespace {

void write_text(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw Error("cannot write " + file.string());
}

// Removes the staging folder however write_recipes() ends.
struct Staging {
  fs::path dir;
  ~Staging() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

}  // namespace

WriteResult write_recipes(const std::vector<ContainerDefinition>& defs, const OptionsForArch& options,
                          const fs::path& defs_dir, const fs::path& output) {
  std::error_code ec;
  if (fs::exists(output, ec) && !fs::is_directory(output, ec))
    throw InputError(output.string(), "exists and is not a folder");

  // The whole output at once where it can be swapped: the new tree is built
  // beside it (other folders carried over) and exchanged in one rename, so a
  // reader or a killed run sees every recipe and containers.json old, or
  // every one new. Otherwise (a mount point, a read-only parent) a staging
  // folder inside OUTPUT, one rename per container, containers.json last.
  std::set<fs::path> regenerated{"containers.json"};
  for (const auto& def : defs) regenerated.insert(fs::path(def.arch) / def.name);
  std::optional<FolderReplacement> tree;
  std::optional<Staging> staging;
  fs::path generated;
  if (!FolderReplacement::unavailable_reason(output)) {
    tree.emplace(output);
    tree->stage([&](const fs::path& rel) {
      // Staging folders of the per-container mode are never tree content.
      return !regenerated.count(rel) && rel.filename().string().rfind(".build-defs-", 0) != 0;
    });
    generated = tree->staging();
  } else {
    fs::create_directories(output);
    staging.emplace(Staging{output / (".build-defs-" + std::to_string(::getpid()))});
    fs::remove_all(staging->dir, ec);
    generated = staging->dir / "new";
  }

  WriteResult result;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& def : defs) {
    const RecipeOptions& o = options(def.arch);
    const std::string hash = content_hash(def);
    const fs::path dir = generated / def.arch / def.name;
    const std::string recipe = recipe_file_name(def, o.format);
    if (def.kind == DefinitionKind::spack) write_text(dir / "spack.yaml", compose_spack_yaml(def, o, hash));
    write_text(dir / recipe, render_recipe(def, o, hash));
    for (const auto& f : def.files) {
      const fs::path target = dir / f.source;
      fs::create_directories(target.parent_path());
      fs::copy(f.resolved, target, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    }
    result.containers.push_back({&def, hash, fs::path(def.arch) / def.name / recipe});
    list.push_back({{"name", def.name},
                    {"version", def.version.empty() ? nlohmann::json(nullptr) : nlohmann::json(def.version)},
                    {"tag", def.tag()},
                    {"arch", def.arch},
                    {"kind", to_string(def.kind)},
                    {"hash", hash},
                    {"definition", fs::relative(def.file, defs_dir).string()},
                    {"recipe", result.containers.back().recipe.string()}});
  }
  result.manifest_json = {{"generator", "spack-ext container build-defs"},
                          {"definitions", fs::absolute(defs_dir).lexically_normal().string()},
                          {"containers", std::move(list)}};
  result.manifest = output / "containers.json";
  const std::string manifest_text = result.manifest_json.dump(2) + "\n";
  if (tree) {
    tree->write("containers.json", manifest_text);
    tree->commit();
    return result;
  }
  // Everything generated: swap the folders in, one rename each.
  for (const auto& c : result.containers) {
    const fs::path rel = fs::path(c.def->arch) / c.def->name;
    const fs::path live = output / rel;
    fs::create_directories(live.parent_path());
    if (fs::exists(live, ec)) {
      const fs::path old = staging->dir / "old" / rel;
      fs::create_directories(old.parent_path());
      fs::rename(live, old);
    }
    fs::rename(generated / rel, live);
  }
  const fs::path temp = staging->dir / "containers.json";
  write_text(temp, manifest_text);
  fs::rename(temp, result.manifest);  // published last
  return result;
}

}  // namespace spackext::container
