#include "tree_stager.hpp"

#include <fstream>
#include <iterator>
#include <map>

#include <spackext/errors.hpp>
#include <spackext/spack/install_database.hpp>

#include "elf_rpath.hpp"
#include "prefix_strings.hpp"

namespace spackext::product {

namespace fs = std::filesystem;

namespace {

struct TreeQuery {
  std::string name, version, hash;
  static TreeQuery parse(const std::string& text) {
    TreeQuery q;
    std::string rest = text;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
      q.hash = rest.substr(slash + 1);
      rest = rest.substr(0, slash);
    }
    if (auto at = rest.find('@'); at != std::string::npos) {
      q.version = rest.substr(at + 1);
      rest = rest.substr(0, at);
    }
    q.name = rest;
    if (q.name.empty() && q.hash.empty())
      throw InputError(text, "expected name, name@version, /hash or name@version/hash");
    return q;
  }
  bool matches(const spack::ConcreteSpec& s) const {
    return (name.empty() || s.name == name) && (version.empty() || s.version == version) &&
           (hash.empty() || s.hash.rfind(hash, 0) == 0);
  }
};

bool contains_any(const fs::path& file, const std::vector<std::string>& needles) {
  std::ifstream in(file, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& n : needles)
    if (data.find(n) != std::string::npos) return true;
  return false;
}

// What Spack's push records in buildinfo, worked out from the files.
BuildInfo detect_buildinfo(const fs::path& prefix, const std::string& root, const std::map<std::string, std::string>& prefixes) {
  BuildInfo info;
  info.buildpath = root;
  info.relative_prefix = fs::path(prefix).lexically_relative(root).string();
  info.hash_to_prefix = prefixes;
  std::vector<std::string> needles{root};
  for (auto it = fs::recursive_directory_iterator(prefix); it != fs::recursive_directory_iterator(); ++it) {
    const auto rel = fs::relative(it->path(), prefix).string();
    if (rel == ".spack" || rel.rfind(".spack/", 0) == 0) {
      if (it->is_directory() && !it->is_symlink()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink()) {
      if (fs::read_symlink(it->path()).is_absolute()) info.relocate_links.push_back(rel);
    } else if (it->is_regular_file()) {
      if (is_elf(it->path())) info.relocate_binaries.push_back(rel);
      else if (contains_any(it->path(), needles)) {
        if (looks_like_text(it->path())) info.relocate_textfiles.push_back(rel);
        else info.relocate_binaries.push_back(rel);
      }
    }
  }
  return info;
}

}  // namespace

std::optional<fs::path> install_tree_database(const std::string& from) {
  if (from.find("://") != std::string::npos) return std::nullopt;
  std::error_code ec;
  const fs::path p(from);
  if (fs::is_regular_file(p, ec) && p.filename() == "index.json") return p;
  if (fs::is_regular_file(spack::install_database_path(p), ec)) return spack::install_database_path(p);
  return std::nullopt;
}

StagedProduct stage_from_install_tree(const fs::path& database, const std::string& spec, const fs::path& work) {
  StagedProduct out;
  out.source = fs::absolute(database).string();
  out.specs = spack::read_install_database(database);
  const auto root_dir = fs::absolute(database).parent_path().parent_path().lexically_normal().string();
  const auto q = TreeQuery::parse(spec);
  std::vector<const spack::ConcreteSpec*> matches;
  for (const auto& [hash, s] : out.specs.all())
    if (s.present && !s.external() && q.matches(s)) matches.push_back(&s);
  if (matches.empty()) throw InputError(spec, "no such spec installed in " + root_dir);
  if (matches.size() > 1) {
    std::string list;
    for (const auto* m : matches) list += "\n  " + m->name + "@" + m->version + " /" + m->short_hash();
    throw InputError(spec, "matches " + std::to_string(matches.size()) + " installed specs; add @version or /hash:" + list);
  }
  out.root_hash = matches.front()->hash;
  out.specs.add_root(out.root_hash);
  std::map<std::string, std::string> prefixes;
  for (const auto& [hash, s] : out.specs.all())
    if (!s.prefix.empty()) prefixes[hash] = s.prefix;

  const fs::path software = work / "software";
  fs::create_directories(software);
  std::error_code ec;
  for (const auto& hash : link_run_closure(out.specs, out.root_hash)) {
    const auto* node = out.specs.find(hash);
    if (!node) continue;
    if (node->external()) {
      out.left_out.push_back({node->name, hash, "external (provided by the system)"});
      continue;
    }
    if (!node->present || node->prefix.empty() || !fs::is_directory(node->prefix, ec)) {
      out.left_out.push_back({node->name, hash, "not installed in the tree"});
      continue;
    }
    StagedSpec staged;
    staged.spec = node;
    staged.dir = product_dir_name(*node);
    staged.old_prefix = node->prefix;
    staged.info = detect_buildinfo(node->prefix, root_dir, prefixes);
    fs::copy(node->prefix, software / staged.dir, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    fs::remove_all(software / staged.dir / ".spack");
    out.staged.push_back(std::move(staged));
  }
  return out;
}

}  // namespace spackext::product
