#include "module_tree.hpp"

#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include <spackext/atomic_file.hpp>
#include <spackext/atomic_folder.hpp>
#include <spackext/errors.hpp>
#include <spackext/yaml_alias_guard.hpp>

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
void publish(const fs::path& target, const std::string& content) { write_file_atomically(target, content); }

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
  // access() also answers EROFS for a read-only mount; no probe file that a
  // kill could leave behind in the tree.
  if (::access(root.c_str(), W_OK) != 0) throw InputError(root.string(), "the module root is not writable");
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
  check_yaml_aliases(doc, index.string());
  if (!doc["module_index"] || !doc["module_index"].IsMap())
    throw InputError(index.string(), "expected a 'module_index' map (Spack's module-index.yaml)");
  for (const auto& kv : doc["module_index"])
    if (kv.second.IsMap() && kv.second["path"]) out.emplace_back(kv.first.Scalar(), kv.second["path"].as<std::string>());
  return out;
}

namespace {

std::string index_yaml(const fs::path& root, const std::vector<ModuleFile>& files) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "module_index" << YAML::Value << YAML::BeginMap;
  for (const auto& f : files) {
    out << YAML::Key << f.hash << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "path" << YAML::Value << (root / f.relative_path).string();
    out << YAML::Key << "use_name" << YAML::Value << f.use_name;
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace

TreeChanges update_module_tree(const fs::path& root, const std::vector<ModuleFile>& files, const TreeOptions& options) {
  // The whole tree at once where the root can be swapped: a reader (or a
  // run killed half-way) sees the old tree or the new one, never some
  // modules of each. Its lock is taken before the live tree is read, so a
  // concurrent refresh's tree is what this one decides against.
  std::optional<FolderReplacement> tree;
  if (!options.dry_run && !FolderReplacement::unavailable_reason(root)) tree.emplace(root);
  // Decide everything first, from the live tree; then publish.
  TreeChanges changes;
  std::set<std::string> new_paths;
  for (const auto& f : files) new_paths.insert((root / f.relative_path).lexically_normal().string());
  std::vector<const ModuleFile*> to_write;
  for (const auto& f : files) {
    const fs::path target = root / f.relative_path;
    if (options.keep_unchanged && read_text(target) == f.content && fs::exists(target)) {
      changes.kept.push_back(f.relative_path);
    } else {
      to_write.push_back(&f);
      changes.written.push_back(f.relative_path);
    }
  }
  // Modules the previous index listed that this run does not produce; only
  // files below this root are ours to remove.
  for (const auto& [hash, path] : read_module_index(root)) {
    const fs::path old = fs::path(path).lexically_normal();
    if (new_paths.count(old.string())) continue;
    auto rel = old.lexically_relative(root);
    std::error_code ec;
    if (rel.empty() || *rel.begin() == ".." || !fs::exists(old, ec)) continue;
    changes.removed.push_back(rel.string());
  }

  auto report = [&] {
    for (const auto* f : to_write)
      if (options.on_written) options.on_written(f->relative_path, f);
    for (const auto& rel : changes.removed)
      if (options.on_removed) options.on_removed(rel);
  };
  if (options.dry_run) {
    report();
    for (std::size_t i = 0; i < files.size(); ++i)
      if (options.on_progress) options.on_progress();
    return changes;
  }

  const std::string index = index_yaml(root, files);
  if (to_write.empty() && changes.removed.empty() && read_text(root / kIndex) == index) {
    // A refresh that changes nothing leaves the tree as it is.
    for (std::size_t i = 0; i < files.size(); ++i)
      if (options.on_progress) options.on_progress();
    return changes;
  }
  if (tree) {
    const std::set<fs::path> replaced = [&] {
      std::set<fs::path> s{fs::path(kIndex)};
      for (const auto* f : to_write) s.insert(fs::path(f->relative_path).lexically_normal());
      for (const auto& rel : changes.removed) s.insert(fs::path(rel).lexically_normal());
      return s;
    }();
    tree->stage([&](const fs::path& rel) { return !replaced.count(rel); });
    for (const auto* f : to_write) {
      tree->write(f->relative_path, f->content);
      if (options.on_progress) options.on_progress();
    }
    for (std::size_t i = to_write.size(); i < files.size(); ++i)
      if (options.on_progress) options.on_progress();
    for (const auto& rel : changes.removed) tree->remove(rel);
    tree->write(kIndex, index);
    tree->commit();
    report();
    return changes;
  }

  // A root that cannot be swapped (a mount point, a read-only parent): file
  // by file, each through a temp name, the index last.
  for (const auto* f : to_write) {
    publish(root / f->relative_path, f->content);
    if (options.on_progress) options.on_progress();
  }
  for (std::size_t i = to_write.size(); i < files.size(); ++i)
    if (options.on_progress) options.on_progress();
  for (const auto& rel : changes.removed) {
    std::error_code ec;
    fs::remove(root / rel, ec);
    prune_empty_parents(root, (root / rel).parent_path());
  }
  publish(root / kIndex, index);
  report();
  return changes;
}

}  // namespace spackext::modules
