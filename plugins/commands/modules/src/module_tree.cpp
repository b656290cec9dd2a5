#include "module_tree.hpp"

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include <spackext/errors.hpp>

namespace spackext::modules {

namespace fs = std::filesystem;

namespace {

constexpr const char* kIndex = "module-index.yaml";

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

// Temp name in the same folder, then rename: readers see the old file or the
// new one, never a part.
void publish(const fs::path& target, const std::string& content) {
  fs::create_directories(target.parent_path());
  const fs::path temp = target.parent_path() / ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()));
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(temp, ec);
      throw Error("cannot write " + target.string());
    }
  }
  fs::rename(temp, target);
}

// Removes folders left empty below the root after files went away.
void prune_empty_parents(const fs::path& root, fs::path dir) {
  std::error_code ec;
  while (dir != root && dir.string().size() > root.string().size() && fs::is_directory(dir, ec) &&
         fs::is_empty(dir, ec)) {
    fs::remove(dir, ec);
    dir = dir.parent_path();
  }
}

}  // namespace

void check_root_writable(const fs::path& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec || !fs::is_directory(root))
    throw InputError(root.string(), "cannot create the module root: " + (ec ? ec.message() : "not a folder"));
  const fs::path probe = root / (".spack-ext-write-probe." + std::to_string(::getpid()));
  std::ofstream out(probe);
  bool ok = static_cast<bool>(out);
  out.close();
  fs::remove(probe, ec);
  if (!ok || ::access(root.c_str(), W_OK) != 0) throw InputError(root.string(), "the module root is not writable");
}

std::vector<std::pair<std::string, std::string>> read_module_index(const fs::path& root) {
  std::vector<std::pair<std::string, std::string>> out;
  const fs::path index = root / kIndex;
  std::error_code ec;
  if (!fs::is_regular_file(index, ec)) return out;
  YAML::Node doc;
  try {
    doc = YAML::LoadFile(index.string());
  } catch (const YAML::Exception& e) {
    throw InputError(index.string() + ":" + std::to_string(e.mark.line + 1), "error parsing YAML: " + e.msg);
  }
  if (!doc["module_index"] || !doc["module_index"].IsMap())
    throw InputError(index.string(), "expected a 'module_index' map (Spack's module-index.yaml)");
  for (const auto& kv : doc["module_index"])
    if (kv.second.IsMap() && kv.second["path"]) out.emplace_back(kv.first.Scalar(), kv.second["path"].as<std::string>());
  return out;
}

TreeChanges update_module_tree(const fs::path& root, const std::vector<ModuleFile>& files, const TreeOptions& options) {
  TreeChanges changes;
  const std::string root_text = root.string();
  std::set<std::string> new_paths;
  for (const auto& f : files) new_paths.insert((root / f.relative_path).lexically_normal().string());

  for (const auto& f : files) {
    const fs::path target = root / f.relative_path;
    bool same = options.keep_unchanged && read_text(target) == f.content && fs::exists(target);
    if (same) {
      changes.kept.push_back(f.relative_path);
    } else {
      if (!options.dry_run) publish(target, f.content);
      changes.written.push_back(f.relative_path);
      if (options.on_written) options.on_written(f.relative_path, &f);
    }
    if (options.on_progress) options.on_progress();
  }

  // Modules the previous index listed that this run does not produce.
  for (const auto& [hash, path] : read_module_index(root)) {
    const fs::path old = fs::path(path).lexically_normal();
    if (new_paths.count(old.string())) continue;
    // Only files below this root are ours to remove.
    auto rel = old.lexically_relative(root);
    if (rel.empty() || *rel.begin() == "..") continue;
    std::error_code ec;
    if (!fs::exists(old, ec)) continue;
    if (!options.dry_run) {
      fs::remove(old, ec);
      prune_empty_parents(root, old.parent_path());
    }
    changes.removed.push_back(rel.string());
    if (options.on_removed) options.on_removed(rel.string());
  }

  if (!options.dry_run) {
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "module_index" << YAML::Value << YAML::BeginMap;
    for (const auto& f : files) {
      out << YAML::Key << f.hash << YAML::Value << YAML::BeginMap;
      out << YAML::Key << "path" << YAML::Value << (root / f.relative_path).string();
      out << YAML::Key << "use_name" << YAML::Value << f.use_name;
      out << YAML::EndMap;
    }
    out << YAML::EndMap << YAML::EndMap;
    publish(root / kIndex, std::string(out.c_str()) + "\n");
  }
  (void)root_text;
  return changes;
}

}  // namespace spackext::modules
