#include "generated_tree.hpp"

#include <spackext/errors.hpp>
#include <spackext/templates.hpp>
#include <spackext_testing/testing.hpp>

#include "file_store.hpp"
#include "lmod_writer.hpp"
#include "tcl_writer.hpp"

namespace spackext::testing::modules {

namespace fs = std::filesystem;

spackext::modules::ModulesGenerator make_generator(spackext::Bus* bus) {
  const fs::path templates = source_dir() / "templates";
  Paths none;
  auto lmod = std::make_shared<spackext::lmod::LmodWriter>(load_template(none, "modules/lmod.lua.mustache", templates));
  auto tcl = std::make_shared<spackext::tcl::TclWriter>(load_template(none, "modules/tcl.mustache", templates));
  return spackext::modules::ModulesGenerator(
      [lmod, tcl](const std::string& system) -> std::shared_ptr<ModuleWriter> {
        if (system == "lmod") return lmod;
        return tcl;
      },
      [](const std::string& url) -> std::unique_ptr<MirrorStore> {
        if (url.rfind("file://", 0) != 0) throw Error("only file:// mirrors in these tests: " + url);
        return spackext::mirrors::FileMirrorBackend().open(url, nlohmann::json{{"url", url}});
      },
      bus);
}

fs::path install_fixture_packages(const fs::path& shared, const fs::path& dir) {
  const fs::path blobs = shared / "fixtures/spack/buildcache-v3-unsigned/blobs/sha256";
  // The package tarballs, by the checksums the fixture README lists.
  for (const char* sha : {"1048eac5631ea92441a5b502db03067076c2e3d08d35a89f3a22bdb86701cc37",
                          "736c65b2bb7507ed01f29d53bbade8eb3df010c6e5e935ec7ad33f9bc7593394",
                          "28ce71fa6077fe43c2159d4324a186fac22ec0b39ef488fe047688636ca03d02"}) {
    const std::string s = sha;
    auto r = run({"/bin/tar", "-xzf", (blobs / s.substr(0, 2) / s).string(), "-C", dir.string()});
    if (r.exit_code != 0) throw Error("tar failed: " + r.err);
  }
  const fs::path root = dir / "opt/spack-peer/spack/opt/spack";
  // gcc-runtime was not pushed to the cache (`--only package`); Spack
  // installs it with its libraries in lib/, which no inspection maps.
  fs::create_directories(root / "linux-x86_64_v4/gcc-runtime-12.2.0-uetbtlo5yobcgprdwflxunpfozgfoktw/lib");
  return root;
}

void copy_replacing(const fs::path& from, const fs::path& to,
                    const std::vector<std::pair<std::string, std::string>>& replacements) {
  for (const auto& entry : fs::recursive_directory_iterator(from)) {
    const fs::path target = to / fs::relative(entry.path(), from);
    if (entry.is_directory()) {
      fs::create_directories(target);
      continue;
    }
    std::string text = read_file(entry.path());
    for (const auto& [a, b] : replacements)
      for (auto pos = text.find(a); pos != std::string::npos; pos = text.find(a, pos + b.size())) text.replace(pos, a.size(), b);
    fs::create_directories(target.parent_path());
    write_file(target, text);
  }
}

}  // namespace spackext::testing::modules
