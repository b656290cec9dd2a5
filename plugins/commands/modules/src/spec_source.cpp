#include "spec_source.hpp"

#include <yaml-cpp/yaml.h>

#include <spackext/errors.hpp>
#include <spackext/json_input.hpp>
#include <spackext/yaml_alias_guard.hpp>
#include <spackext/spack/install_database.hpp>
#include <spackext/spack/lockfile.hpp>

namespace spackext::modules {

namespace fs = std::filesystem;

namespace {

bool is_url(const std::string& s) { return s.find("://") != std::string::npos; }

std::string read_object(MirrorStore& store, const std::string& key) {
  std::string body;
  store.get(key, [&](const char* data, std::size_t size) {
    body.append(data, size);
    return true;
  });
  return body;
}

nlohmann::json parse_json(const std::string& text, const std::string& where) {
  return parse_json_input(text, where, "a Spack buildcache index");
}

// The buildcache index: layout v3 (index manifest -> blob) or v2 (index.json).
nlohmann::json read_buildcache_index(MirrorStore& store, const std::string& url) {
  const std::string manifest_key = "v3/manifests/index/index.manifest.json";
  if (store.stat(manifest_key)) {
    auto manifest = parse_json(read_object(store, manifest_key), url + "/" + manifest_key);
    if (!manifest.contains("data") || !manifest["data"].is_array() || manifest["data"].empty())
      throw InputError(url + "/" + manifest_key, "index manifest lists no index blob");
    const std::string checksum = manifest["data"][0].value("checksum", "");
    const std::string algorithm = manifest["data"][0].value("checksumAlgorithm", "sha256");
    if (checksum.size() < 2) throw InputError(url + "/" + manifest_key, "index manifest has no checksum");
    const std::string blob = "blobs/" + algorithm + "/" + checksum.substr(0, 2) + "/" + checksum;
    return parse_json(read_object(store, blob), url + "/" + blob);
  }
  const std::string v2 = "build_cache/index.json";
  if (store.stat(v2)) return parse_json(read_object(store, v2), url + "/" + v2);
  throw InputError(url, "not a Spack buildcache (no v3/manifests/index/index.manifest.json or build_cache/index.json)");
}

// `lock`, when given, is the file's text already parsed (it was read to tell
// a lockfile from a database): a large file is parsed once.
SpecSource from_lockfile(const fs::path& path, const nlohmann::json* lock = nullptr) {
  SpecSource s;
  s.kind = SpecSource::Kind::lockfile;
  s.description = "lockfile " + path.string();
  s.specs = lock ? spack::parse_lockfile(*lock, path.string()) : spack::read_lockfile(path);
  s.explicit_hashes.insert(s.specs.roots().begin(), s.specs.roots().end());
  return s;
}

SpecSource from_database(const fs::path& index, const fs::path& tree_root, const nlohmann::json* db = nullptr) {
  SpecSource s;
  s.kind = SpecSource::Kind::install_tree;
  s.description = "install database " + index.string();
  s.specs = db ? spack::parse_install_database(*db, index.string()) : spack::read_install_database(index);
  s.explicit_hashes.insert(s.specs.roots().begin(), s.specs.roots().end());
  s.install_root = tree_root.lexically_normal().string();
  while (s.install_root.size() > 1 && s.install_root.back() == '/') s.install_root.pop_back();
  return s;
}

}  // namespace

std::string SpecSource::prefix_of(const spack::ConcreteSpec& spec) const {
  if (!spec.prefix.empty()) return spec.prefix;
  if (spec.external_prefix) return *spec.external_prefix;
  if (layout) return layout->prefix_for(spec);
  throw Error("no install prefix known for " + spec.name + "/" + spec.short_hash());
}

SpecSource open_spec_source(const std::string& source, const std::optional<spack::InstallLayout>& layout,
                            const MirrorOpener& open_mirror) {
  SpecSource s;
  bool needs_layout = true;
  if (is_url(source)) {
    auto store = open_mirror(source);
    auto index = read_buildcache_index(*store, source);
    s.kind = SpecSource::Kind::buildcache;
    s.description = "buildcache " + source;
    s.specs = spack::parse_install_database(index, source);
    s.explicit_hashes.insert(s.specs.roots().begin(), s.specs.roots().end());
  } else {
    fs::path path(source);
    std::error_code ec;
    if (!fs::exists(path, ec))
      throw InputError(source, "no such file or directory (expected a Spack install tree, spack.lock or buildcache)");
    if (fs::is_directory(path, ec)) {
      if (fs::is_regular_file(spack::install_database_path(path), ec)) {
        s = from_database(spack::install_database_path(path), path);
      } else if (fs::is_regular_file(path / "opt/spack/.spack-db/index.json", ec)) {
        s = from_database(path / "opt/spack/.spack-db/index.json", path / "opt/spack");
      } else if (fs::is_regular_file(path / "spack.lock", ec)) {
        s = from_lockfile(path / "spack.lock");
      } else if (fs::is_regular_file(path / "v3/layout.json", ec) || fs::is_regular_file(path / "build_cache/index.json", ec)) {
        return open_spec_source("file://" + fs::absolute(path).lexically_normal().string(), layout, open_mirror);
      } else {
        throw InputError(source, "not a Spack install tree (no .spack-db/index.json), environment (no spack.lock) "
                                 "or buildcache (no v3/layout.json or build_cache/index.json)");
      }
      needs_layout = s.kind != SpecSource::Kind::install_tree;
    } else {
      const auto head = read_json_file(path, "a Spack database index.json or spack.lock");
      if (!head.is_object()) {
        throw InputError(source, "not a Spack database index.json or spack.lock (not a JSON object)");
      } else if (head.contains("_meta")) {
        s = from_lockfile(path, &head);
      } else if (head.contains("database")) {
        // <tree>/.spack-db/index.json: the tree is two levels up.
        s = from_database(path, fs::absolute(path).parent_path().parent_path(), &head);
        needs_layout = false;
      } else {
        throw InputError(source, "not a Spack database index.json or spack.lock");
      }
    }
  }
  if (needs_layout) {
    if (!layout)
      throw UsageError(s.description + " records no install prefixes: give --install-root DIR or --spack-config DIR "
                       "(a Spack configuration scope with config.yaml install_tree)");
    s.layout = layout;
    s.install_root = layout->root;
    while (s.install_root.size() > 1 && s.install_root.back() == '/') s.install_root.pop_back();
  }
  return s;
}

spack::InstallLayout layout_from_spack_scope(const fs::path& scope) {
  const fs::path file = scope / "config.yaml";
  std::error_code ec;
  if (!fs::is_directory(scope, ec)) throw InputError(scope.string(), "Invalid configuration scope (not a folder)");
  if (!fs::is_regular_file(file, ec)) throw InputError(file.string(), "no such file (expected config.yaml with install_tree)");
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    throw InputError(file.string() + ":" + std::to_string(e.mark.line + 1), "error parsing YAML: " + e.msg);
  }
  check_yaml_aliases(root, file.string());
  auto tree = root["config"] ? root["config"]["install_tree"] : YAML::Node();
  if (!tree || !tree.IsMap() || !tree["root"])
    throw InputError(file.string(), "no config:install_tree:root (expected Spack's config.yaml)");
  spack::InstallLayout layout;
  layout.root = tree["root"].as<std::string>();
  if (layout.root.find('$') != std::string::npos)
    throw InputError(file.string() + ":" + std::to_string(tree["root"].Mark().line + 1),
                     "install_tree root '" + layout.root + "' uses a Spack variable; give --install-root instead");
  if (tree["projections"]) {
    if (!tree["projections"].IsMap())
      throw InputError(file.string() + ":" + std::to_string(tree["projections"].Mark().line + 1),
                       "'projections' must be a map of specs to formats");
    for (const auto& kv : tree["projections"]) layout.projections[kv.first.Scalar()] = kv.second.Scalar();
  }
  return layout;
}

}  // namespace spackext::modules
