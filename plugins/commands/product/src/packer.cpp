#include "packer.hpp"

#include <regex>

#include <spackext/atomic_file.hpp>
#include <spackext/errors.hpp>
#include <spackext/progress.hpp>
#include <spackext/services/buildcache.hpp>

#include "cache_stager.hpp"
#include "pack_relocation.hpp"
#include "product_modules.hpp"
#include "staging_dir.hpp"
#include "tar_writer.hpp"
#include "tree_stager.hpp"

namespace spackext::product {

namespace fs = std::filesystem;

nlohmann::json PackResult::to_json() const {
  nlohmann::json specs = nlohmann::json::array();
  for (const auto& s : manifest.specs) specs.push_back({{"name", s.name}, {"version", s.version}, {"hash", s.hash}});
  nlohmann::json left = nlohmann::json::array();
  for (const auto& l : manifest.left_out) left.push_back({{"name", l.name}, {"hash", l.hash}, {"reason", l.reason}});
  return {{"software_tarball", software_tarball.string()},
          {"module_tarball", module_tarball.string()},
          {"specs", specs},
          {"left_out", left},
          {"module_files", module_files},
          {"text_files", manifest.text_files.size()},
          {"binary_strings", manifest.binary_strings.size()},
          {"max_prefix_length", manifest.binary_strings.empty() ? nlohmann::json(nullptr)
                                                                : nlohmann::json(manifest.max_prefix_length())},
          {"warnings", warnings}};
}

void check_pack_options(const PackOptions& o) {
  static const std::regex kVariable("[A-Za-z_][A-Za-z0-9_]*");
  if (!std::regex_match(o.prefix_variable, kVariable))
    throw InputError("--prefix-variable " + o.prefix_variable,
                     "not an environment variable name (expected letters, digits and '_', not starting with a digit)");
  if (o.default_prefix) {
    const auto& p = *o.default_prefix;
    if (p.empty() || p.front() != '/' || p.find_first_of("\"'\\$`{}[]\n") != std::string::npos)
      throw InputError("--default-prefix " + p, "expected an absolute path without quotes, '$', braces or brackets");
  }
}

PackResult pack_product(Registry& registry, Bus* bus, const PackOptions& o) {
  check_pack_options(o);
  // The source is opened (and a wrong one refused) before DIR is touched.
  const auto database = install_tree_database(o.from);
  std::unique_ptr<BuildcacheView> view;
  if (!database) view = registry.get<BuildcacheReader>("spack")->open(o.from, {o.allow_unsigned, o.keyring});
  std::error_code ec;
  // A DIR this run creates goes again if the run fails (after the work folder).
  struct CreatedOutput {
    fs::path dir;
    ~CreatedOutput() {
      std::error_code e;
      if (!dir.empty()) fs::remove(dir, e);  // only removes it empty
    }
  } created;
  if (!fs::is_directory(o.output, ec)) {
    fs::create_directories(o.output);
    created.dir = o.output;
  }
  const fs::path output = fs::canonical(o.output);
  StagingDir work(output, "product-pack");

  std::optional<Progress> progress;
  if (bus) progress.emplace(*bus, "product.pack", "Packing " + o.spec, 0, "", "product");
  StagedProduct staged = database ? stage_from_install_tree(*database, o.spec, work.path())
                                  : stage_from_buildcache(*view, o.spec, work.path(), [&](const std::string&) {
                                      if (progress) progress->advance();
                                    });

  PackResult result;
  auto& m = result.manifest;
  const auto& root = staged.specs.at(staged.root_hash);
  m.name = root.name;
  m.version = root.version;
  m.hash = root.hash;
  m.prefix_variable = o.prefix_variable;
  m.default_prefix = o.default_prefix.value_or("/opt/" + root.name + "-" + root.version);
  m.source = staged.source;
  m.left_out = staged.left_out;

  std::vector<std::string> left_out_prefixes;
  for (const auto& l : staged.left_out)
    for (const auto& s : staged.staged)
      if (auto it = s.info.hash_to_prefix.find(l.hash); it != s.info.hash_to_prefix.end()) left_out_prefixes.push_back(it->second);
  const fs::path software = work.path() / "software";
  auto relocation = relocate_for_pack(software, staged.staged, left_out_prefixes);
  m.text_files = relocation.text_files;
  m.binary_strings = relocation.binary_strings;
  for (const auto& d : relocation.dropped_search_paths)
    result.warnings.push_back("dropped a search path into a package that is not in the product: " + d);
  for (const auto& l : staged.left_out)
    if (l.reason.rfind("external", 0) != 0)
      result.warnings.push_back(l.name + "/" + l.hash.substr(0, 7) + " is a link/run dependency but " + l.reason +
                                "; the product relies on the system providing what it needs");

  for (const auto& s : staged.staged) {
    ProductSpec p{s.spec->name, s.spec->version, s.spec->hash, s.dir, {}, s.tarball_sha256, s.signer};
    for (const auto* dep : staged.specs.direct_dependencies(*s.spec, {"link", "run"}))
      for (const auto& t : staged.staged)
        if (t.spec->hash == dep->hash) p.dependencies.push_back(dep->hash);
    m.specs.push_back(std::move(p));
  }
  write_work_file(software / kManifestMember, m.to_json().dump(2) + "\n");

  const fs::path modules = work.path() / "modules";
  fs::create_directories(modules);
  result.module_files = write_product_modules(
      registry, {&staged.specs, &staged.staged, software, m.prefix_variable, m.default_prefix}, modules);

  const std::string stem = bundle_stem(m);
  result.software_tarball = output / (stem + ".tar.gz");
  result.module_tarball = output / (stem + "-modules.tar.gz");
  // Built in the work folder, then renamed into place: software first, the
  // modules (which point at it) last.
  write_tarball(software, work.path() / result.software_tarball.filename(), {kManifestMember});
  write_tarball(modules, work.path() / result.module_tarball.filename());
  for (const auto& published : {result.software_tarball, result.module_tarball}) {
    fs::rename(work.path() / published.filename(), published);
    sync_path(output);
  }
  if (progress) progress->finish(true);
  created.dir.clear();
  return result;
}

}  // namespace spackext::product
