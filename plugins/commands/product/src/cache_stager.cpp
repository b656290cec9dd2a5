#include "cache_stager.hpp"

#include <fstream>
#include <set>

#include <spackext/errors.hpp>

#include "safe_extract.hpp"

namespace spackext::product {

namespace fs = std::filesystem;

namespace {

// The folder holding .spack/binary_distribution below `extracted`: the old
// prefix, with the leading '/' dropped, as Spack writes its tarballs.
fs::path find_prefix(const fs::path& extracted, const std::string& where) {
  for (auto it = fs::recursive_directory_iterator(extracted); it != fs::recursive_directory_iterator(); ++it)
    if (it->path().filename() == "binary_distribution" && it->path().parent_path().filename() == ".spack" &&
        it->is_regular_file())
      return it->path().parent_path().parent_path();
  throw InputError(where, "the package tarball has no .spack/binary_distribution (not a Spack package tarball)");
}

}  // namespace

std::vector<std::string> link_run_closure(const spack::SpecSet& specs, const std::string& root) {
  std::vector<std::string> order{root};
  std::set<std::string> seen{root};
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto* spec = specs.find(order[i]);
    if (!spec) continue;
    for (const auto& edge : spec->dependencies)
      if ((edge.has_type("link") || edge.has_type("run")) && seen.insert(edge.hash).second) order.push_back(edge.hash);
  }
  return order;
}

StagedProduct stage_from_buildcache(BuildcacheView& view, const std::string& spec, const fs::path& work,
                                    const std::function<void(const std::string&)>& on_package) {
  StagedProduct out;
  out.source = view.url();
  auto matches = view.find(spec);
  if (matches.empty()) throw InputError(spec, "no such spec in the buildcache " + view.url());
  if (matches.size() > 1) {
    std::string list;
    for (const auto& m : matches) list += "\n  " + m.name + "@" + m.version + " /" + m.hash.substr(0, 7);
    throw InputError(spec, "matches " + std::to_string(matches.size()) + " specs in " + view.url() +
                               "; add @version or /hash:" + list);
  }
  on_package(matches.front().name);
  auto root = view.package(matches.front());
  const std::string where = view.url() + "/" + root.entry.metadata_key;
  if (!root.spec_file.contains("spec") || !root.spec_file["spec"].contains("nodes") ||
      !root.spec_file["spec"]["nodes"].is_array())
    throw InputError(where, "the spec file has no spec.nodes");
  for (const auto& node : root.spec_file["spec"]["nodes"]) out.specs.add(spack::parse_spec_node(node, where));
  out.specs.resolve_compiler_versions();
  out.root_hash = root.entry.hash;
  out.specs.add_root(out.root_hash);

  const fs::path software = work / "software";
  fs::create_directories(software);
  for (const auto& hash : link_run_closure(out.specs, out.root_hash)) {
    const auto& node = out.specs.at(hash);
    if (node.external()) {
      out.left_out.push_back({node.name, hash, "external (provided by the system)"});
      continue;
    }
    BuildcachePackage package;
    if (hash == out.root_hash) {
      package = root;
    } else {
      auto entry = view.entry(hash);
      if (!entry) {
        out.left_out.push_back({node.name, hash, "not in the buildcache"});
        continue;
      }
      on_package(node.name);
      package = view.package(*entry);
    }
    // Fetched whole (verified) before a byte of it is unpacked.
    const fs::path tarball = work / (hash + ".tar.gz");
    {
      std::ofstream file(tarball, std::ios::binary);
      view.read_tarball(package, [&](const char* d, std::size_t n) { return static_cast<bool>(file.write(d, static_cast<std::streamsize>(n))); });
      if (!file.flush()) throw Error("cannot write " + tarball.string());
    }
    const fs::path extracted = work / ("unpacked-" + hash);
    fs::create_directories(extracted);
    ExtractOptions options;
    options.allow_absolute_links = true;  // links into its own old prefix; relocated below
    extract_below(tarball, extracted, options);
    const fs::path prefix = find_prefix(extracted, view.url() + " " + node.name + "/" + node.short_hash());

    StagedSpec staged;
    staged.spec = &node;
    staged.dir = product_dir_name(node);
    staged.info = read_buildinfo(prefix / kBuildInfoMember);
    auto known = staged.info.hash_to_prefix.find(hash);
    staged.old_prefix = known != staged.info.hash_to_prefix.end() ? known->second : staged.info.old_prefix();
    staged.tarball_sha256 = package.tarball_sha256;
    staged.signer = package.signer;
    fs::rename(prefix, software / staged.dir);
    fs::remove_all(software / staged.dir / ".spack");  // build logs and metadata: not software
    fs::remove_all(extracted);
    fs::remove(tarball);
    out.staged.push_back(std::move(staged));
  }
  return out;
}

}  // namespace spackext::product
