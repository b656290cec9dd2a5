// The database envelope, read from the buildcache indexes Spack 0.23.1 (v7)
// and 1.1.0 (v8) wrote, and from a local install database record.
#include <gtest/gtest.h>

#include <spackext/errors.hpp>
#include <spackext/spack/install_database.hpp>
#include <spackext_testing/testing.hpp>

namespace {

using spackext::spack::parse_install_database;
using spackext::spack::read_install_database;
namespace st = spackext::testing;

TEST(InstallDatabase, ReadsBuildcacheIndexV8) {
  SPACKEXT_REQUIRE_FIXTURE(
      index, "fixtures/spack/buildcache-v3-unsigned/blobs/sha256/af/"
             "af576fce8bda6259f4bc29044fd522dda95b1b5136b865f7bc5293163c071aed");
  auto set = read_install_database(index);
  EXPECT_EQ(set.size(), 7u);
  // Roots are what the cache holds: the three peer packages.
  EXPECT_EQ(set.roots().size(), 3u);
  const auto& hello = set.at("5hn2gvdnbmne734ml6ionv2ba7cemxgl");
  EXPECT_TRUE(hello.present);
  EXPECT_FALSE(set.at("uetbtlo5yobcgprdwflxunpfozgfoktw").present);  // gcc-runtime, not pushed
  ASSERT_TRUE(hello.compiler.has_value());
  EXPECT_EQ(hello.compiler->name, "gcc");
  EXPECT_EQ(hello.compiler->version, "12.2.0");
}

TEST(InstallDatabase, ReadsBuildcacheIndexV7WithNodeCompilers) {
  SPACKEXT_REQUIRE_FIXTURE(index, "fixtures/spack/buildcache-v2-unsigned/build_cache/index.json");
  auto set = read_install_database(index);
  EXPECT_EQ(set.size(), 5u);
  EXPECT_EQ(set.roots().size(), 3u);
  const auto& hello = set.at("bfrqcmmn2zcr4t7jb7ofu5afpwvibri3");
  EXPECT_EQ(hello.name, "peerhello");
  ASSERT_TRUE(hello.compiler.has_value());
  EXPECT_EQ(hello.compiler->name, "gcc");
  EXPECT_EQ(hello.compiler->version, "12.2.0");
  EXPECT_TRUE(hello.compiler->hash.empty());
  EXPECT_EQ(set.provider(hello, "mpi")->hash, "cvm4sheomj2szikv47xggmvxfmiiphwh");
}

// A local install database adds `path`, `installed` and `explicit` per record.
TEST(InstallDatabase, LocalRecordsCarryPrefixesAndExplicitRoots) {
  auto db = nlohmann::json::parse(R"({"database": {"version": "8", "installs": {
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": {"spec": {"name": "zlib", "version": "1.3",
        "arch": {"platform": "linux", "platform_os": "debian12", "target": "x86_64_v3"},
        "namespace": "builtin", "parameters": {}, "hash": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
      "path": "/opt/spack/linux-x86_64_v3/zlib-1.3-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "ref_count": 0, "explicit": true, "installed": true, "installation_time": 1.0},
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb": {"spec": {"name": "old", "version": "1",
        "arch": {"platform": "linux", "platform_os": "debian12", "target": "x86_64_v3"},
        "namespace": "builtin", "parameters": {}, "hash": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
      "path": null, "ref_count": 0, "explicit": true, "installed": false}
  }}})");
  auto set = parse_install_database(db, "index.json");
  ASSERT_EQ(set.roots().size(), 1u);
  const auto& zlib = set.at(set.roots()[0]);
  EXPECT_EQ(zlib.prefix, "/opt/spack/linux-x86_64_v3/zlib-1.3-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  EXPECT_TRUE(zlib.present);
  EXPECT_FALSE(set.at("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb").present);
}

TEST(InstallDatabase, NotADatabaseIsAnInputError) {
  SPACKEXT_REQUIRE_FIXTURE(lock, "fixtures/spack/env/spack.lock");
  try {
    read_install_database(lock);
    ADD_FAILURE() << "a lockfile was accepted as a database";
  } catch (const spackext::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not a Spack database"), std::string::npos) << e.what();
  }
  st::TempDir dir;
  EXPECT_THROW(read_install_database(spackext::spack::install_database_path(dir.path())), spackext::InputError);
}

// `installed`, `explicit` and `in_buildcache` decide what is present and what
// is a root: a value that is not a boolean is a damaged record, named.
TEST(InstallDatabase, FlagsThatAreNotBooleansAreInputErrors) {
  const std::string node = R"({"name": "zlib", "version": "1.3", "hash": "h"})";
  for (const std::string flag : {R"("installed": "yes")", R"("explicit": 1)", R"("in_buildcache": null)"}) {
    const auto db = nlohmann::json::parse(R"({"database": {"version": "8", "installs": {"h": {"spec": )" + node +
                                          ", " + flag + "}}}}");
    try {
      spackext::spack::parse_install_database(db, "index.json");
      ADD_FAILURE() << flag << " accepted";
    } catch (const spackext::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("index.json: database.installs.h"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
