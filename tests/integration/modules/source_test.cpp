// SOURCE kinds other than a lockfile: a buildcache (layout v3 and v2, read
// through the file:// mirror backend) and a Spack install tree's database.
#include <gtest/gtest.h>

#include <set>

#include <yaml-cpp/yaml.h>

#include <spackext/errors.hpp>
#include <spackext_testing/testing.hpp>

#include "generated_tree.hpp"

namespace {

namespace fs = std::filesystem;
namespace st = spackext::testing;
namespace sm = spackext::testing::modules;

std::map<std::string, std::string> index_of(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& kv : YAML::LoadFile((root / "module-index.yaml").string())["module_index"])
    out[kv.first.Scalar()] = kv.second["use_name"].Scalar();
  return out;
}

// Modules for what the cache provides (the three peer packages), at the
// prefixes they will have: the same names Spack gave them.
TEST(ModuleSources, BuildcacheV3ByUrl) {
  SPACKEXT_REQUIRE_FIXTURE(cache, "fixtures/spack/buildcache-v3-unsigned");
  SPACKEXT_REQUIRE_FIXTURE(fixture, "fixtures/spack/modules");
  st::TempDir dir;
  spackext::modules::GenerateOptions o;
  o.source = "file://" + cache.string();
  o.root = dir / "tcl";
  o.system = "tcl";
  o.config = fixture / "modules.yaml";
  o.install_root = "/opt/spack-peer/spack/opt/spack";
  auto result = sm::make_generator().run(o);
  EXPECT_EQ(result.written.size(), 3u);
  auto spacks = YAML::LoadFile((fixture / "tcl/module-index.yaml").string())["module_index"];
  for (const auto& [hash, use_name] : index_of(dir / "tcl")) EXPECT_EQ(use_name, spacks[hash]["use_name"].Scalar());
  // The prefixes they will have (as in Spack's module files); not installed
  // yet, so reported, and their inspected paths wait for a refresh.
  std::set<std::string> missing(result.missing_prefixes.begin(), result.missing_prefixes.end());
  EXPECT_TRUE(missing.count(
      "/opt/spack-peer/spack/opt/spack/linux-x86_64_v4/peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl"))
      << result.to_json().dump();
}

TEST(ModuleSources, BuildcacheV2Folder) {
  SPACKEXT_REQUIRE_FIXTURE(cache, "fixtures/spack/buildcache-v2-unsigned");
  st::TempDir dir;
  spackext::modules::GenerateOptions o;
  o.source = cache.string();
  o.root = dir / "tcl";
  o.system = "tcl";
  o.install_root = "/opt/spack-peer/spack-0.23/opt/spack";
  auto result = sm::make_generator().run(o);
  EXPECT_EQ(result.written.size(), 3u);
  // Spack 0.23 nodes name their compiler: peerlib/1.0-gcc-12.2.0-<hash>.
  EXPECT_TRUE(fs::exists(dir / "tcl/linux-debian12-x86_64_v4/peerlib/1.0-gcc-12.2.0-gxi4itk"));
}

// An install tree: prefixes come from the database records.
TEST(ModuleSources, InstallTreeDatabase) {
  SPACKEXT_REQUIRE_FIXTURE(index, "fixtures/spack/buildcache-v3-unsigned/blobs/sha256/af/"
                                  "af576fce8bda6259f4bc29044fd522dda95b1b5136b865f7bc5293163c071aed");
  st::TempDir dir;
  // A database as `spack install` leaves it: the cache index's records plus
  // path/installed/explicit.
  auto db = nlohmann::json::parse(st::read_file(index));
  for (auto& [hash, record] : db["database"]["installs"].items()) {
    record.erase("in_buildcache");
    const auto& spec = record["spec"];
    record["installed"] = true;
    record["explicit"] = spec["name"] == "peerhello";
    record["path"] = spec.contains("external")
                         ? spec["external"]["path"].get<std::string>()
                         : (dir / "tree" / (spec["name"].get<std::string>() + "-" + hash)).string();
    if (!spec.contains("external")) fs::create_directories(dir / "tree" / (spec["name"].get<std::string>() + "-" + hash) / "bin");
  }
  fs::create_directories(dir / "tree/.spack-db");
  st::write_file(dir / "tree/.spack-db/index.json", db.dump());
  spackext::modules::GenerateOptions o;
  o.source = (dir / "tree").string();
  o.root = dir / "tcl";
  o.system = "tcl";
  auto result = sm::make_generator().run(o);
  EXPECT_EQ(result.written.size(), 7u);
  auto hello = st::read_file(dir / "tcl/linux-debian12-x86_64_v4/peerhello/1.0-gcc-12.2.0-5hn2gvd");
  EXPECT_NE(hello.find("prepend-path PATH {" + (dir / "tree/peerhello-5hn2gvdnbmne734ml6ionv2ba7cemxgl/bin").string() + "}"),
            std::string::npos)
      << hello;
}

}  // namespace
