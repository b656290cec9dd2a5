#include "synthetic_stack.hpp"

#include <functional>

#include <spackext/spack/install_layout.hpp>
#include <spackext/spack/lockfile.hpp>

namespace spackext::testing::modules {

namespace {

// A stable 32-character base32-alphabet hash for a node name.
std::string fake_hash(const std::string& key) {
  static const char* alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out;
  std::size_t h = std::hash<std::string>{}(key);
  for (int i = 0; i < 32; ++i) {
    if (i % 12 == 0) h = std::hash<std::string>{}(key + std::to_string(i) + std::to_string(h));
    out += alphabet[h % 32];
    h /= 32;
  }
  return out;
}

nlohmann::json node(const std::string& name, const std::string& version, const std::string& hash) {
  return {{"name", name},
          {"version", version},
          {"arch", {{"platform", "linux"}, {"platform_os", "debian12"}, {"target", "x86_64_v3"}}},
          {"namespace", "builtin"},
          {"parameters", {{"build_system", "generic"}, {"cflags", nlohmann::json::array()}}},
          {"dependencies", nlohmann::json::array()},
          {"annotations", {{"original_specfile_version", 5}}},
          {"hash", hash}};
}

nlohmann::json edge(const nlohmann::json& to, std::vector<std::string> types, std::vector<std::string> virtuals) {
  return {{"name", to["name"]}, {"hash", to["hash"]}, {"parameters", {{"deptypes", types}, {"virtuals", virtuals}}}};
}

}  // namespace

nlohmann::json synthetic_lockfile(const StackShape& shape) {
  nlohmann::json specs = nlohmann::json::object();
  nlohmann::json roots = nlohmann::json::array();
  auto add = [&](nlohmann::json n, bool root) {
    const std::string h = n["hash"];
    if (root) roots.push_back({{"hash", h}, {"spec", n["name"].get<std::string>() + "@" + n["version"].get<std::string>()}});
    specs[h] = std::move(n);
    return specs[h];
  };
  auto system_gcc = node("gcc", "12.2.0", fake_hash("gcc@12.2.0"));
  system_gcc["arch"]["target"] = "x86_64";
  system_gcc["external"] = {{"path", "/usr"}, {"module", nullptr},
                            {"extra_attributes", {{"compilers", {{"c", "/usr/bin/gcc"}, {"cxx", "/usr/bin/g++"}}}}}};
  add(system_gcc, false);
  for (const auto& [cname, cversion] : shape.compilers) {
    auto compiler = node(cname, cversion, fake_hash(cname + "@" + cversion));
    compiler["dependencies"].push_back(edge(system_gcc, {"build"}, {"c", "cxx"}));
    compiler = add(compiler, true);
    const std::string tag = cname + cversion;
    auto zlib = node("zlib", "1.3.1", fake_hash("zlib" + tag));
    zlib["dependencies"].push_back(edge(compiler, {"build"}, {"c"}));
    add(zlib, true);
    for (const auto& [mname, mversion] : shape.mpis) {
      auto mpi = node(mname, mversion, fake_hash(mname + mversion + tag));
      mpi["dependencies"].push_back(edge(compiler, {"build"}, {"c", "cxx"}));
      mpi = add(mpi, true);
      for (int i = 0; i < shape.packages; ++i) {
        const std::string app_name = "app" + std::to_string(i);
        auto app = node(app_name, "1.0", fake_hash(app_name + mname + mversion + tag));
        app["dependencies"].push_back(edge(compiler, {"build"}, {"c"}));
        app["dependencies"].push_back(edge(mpi, {"build", "link"}, {"mpi"}));
        app["dependencies"].push_back(edge(zlib, {"build", "link"}, {}));
        add(app, true);
      }
    }
  }
  return {{"_meta", {{"file-type", "spack-lockfile"}, {"lockfile-version", 6}, {"specfile-version", 5}}},
          {"spack", {{"version", "1.1.0"}, {"type", "release"}}},
          {"roots", roots},
          {"concrete_specs", specs}};
}

void create_prefixes(const nlohmann::json& lockfile, const std::filesystem::path& install_root) {
  auto set = spack::parse_lockfile(lockfile, "synthetic");
  spack::InstallLayout layout{install_root.string(), {}};
  for (const auto& [hash, spec] : set.all()) {
    if (spec.external()) continue;
    const std::filesystem::path prefix = layout.prefix_for(spec);
    std::filesystem::create_directories(prefix / "bin");
    std::filesystem::create_directories(prefix / "lib/pkgconfig");
  }
}

}  // namespace spackext::testing::modules
