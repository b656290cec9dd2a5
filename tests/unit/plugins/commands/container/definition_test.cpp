// Reading definitions: names, versions and kinds as spacktainers derives
// them, and every kind of bad input reported with file:line, all at once.
#include <gtest/gtest.h>

#include <spackext/errors.hpp>

#include "definition.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = spackext::testing;
using namespace spackext::container;

std::string error_of(const fs::path& dir) {
  try {
    load_definitions(dir);
  } catch (const spackext::InputError& e) {
    EXPECT_EQ(e.exit_code(), 2);
    return e.what();
  }
  ADD_FAILURE() << "expected an InputError";
  return {};
}

TEST(Definitions, ReadsSpackAndDefDefinitionsPerArchitecture) {
  t::TempDir defs;
  t::write_file(defs / "amd64/system-benchmarks.yaml",
                "spack:\n  specs:\n    - osu-micro-benchmarks\n    - ior\n  packages:\n"
                "    osu-micro-benchmarks:\n      require: \"@6.2\"\n");
  t::write_file(defs / "amd64/nexus-storage.def",
                "Bootstrap: docker\nFrom: bluebrain/nexus-storage:1.9\n\n%startscript\n   /opt/docker/bin/storage $@\n");
  t::write_file(defs / "arm64/tool.yaml",
                "spack:\n  specs: [tool@2.0]\nspacktainer:\n  files:\n    - files/tool/run.sh:/opt/run.sh\n");
  t::write_file(defs / "files/tool/run.sh", "#!/bin/sh\n");
  t::write_file(defs / "amd64/README.md", "not a definition\n");
  auto all = load_definitions(defs.path());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name, "nexus-storage");
  EXPECT_EQ(all[0].kind, DefinitionKind::def);
  EXPECT_EQ(all[0].base_image, "bluebrain/nexus-storage:1.9");
  EXPECT_EQ(all[0].version, "1.9");
  EXPECT_EQ(all[1].name, "system-benchmarks");
  EXPECT_EQ(all[1].version, "6.2");
  EXPECT_EQ(all[1].specs, (std::vector<std::string>{"osu-micro-benchmarks", "ior"}));
  EXPECT_EQ(all[2].arch, "arm64");
  EXPECT_EQ(all[2].version, "2.0");
  ASSERT_EQ(all[2].files.size(), 1u);
  EXPECT_EQ(all[2].files[0].target, "/opt/run.sh");
  EXPECT_EQ(load_definitions(defs.path(), "arm64").size(), 1u);
}

TEST(Definitions, UnknownKeysAndBadFilesEntriesNameFileAndLine) {
  t::TempDir defs;
  t::write_file(defs / "files/a/x.sh", "x\n");
  t::write_file(defs / "amd64/a.yaml",
                "spack:\n"                            // 1
                "  specs: [zlib]\n"                   // 2
                "  packagez: {}\n"                    // 3
                "spacktainer:\n"                      // 4
                "  files:\n"                          // 5
                "    - files/a/x.sh /opt/x.sh\n"      // 6 no colon
                "    - ../etc/passwd:/etc/passwd\n"   // 7 ..
                "    - /etc/passwd:/etc/passwd\n"     // 8 absolute
                "    - other/x.sh:/opt/x.sh\n"        // 9 outside files/
                "    - files/a/x.sh:relative\n"       // 10 target not absolute
                "    - files/a/none.sh:/opt/n.sh\n"   // 11 missing
                "extra: 1\n");                        // 12
  const std::string err = error_of(defs.path());
  const std::string file = (defs / "amd64/a.yaml").string();
  for (int line : {3, 6, 7, 8, 9, 10, 11, 12})
    EXPECT_NE(err.find(file + ":" + std::to_string(line) + ":"), std::string::npos) << "line " << line << "\n" << err;
  EXPECT_NE(err.find("unknown key 'packagez'"), std::string::npos) << err;
  EXPECT_NE(err.find("8 problems"), std::string::npos) << err;
}

TEST(Definitions, ASymlinkOutOfTheFilesFolderIsRefused) {
  t::TempDir defs;
  t::TempDir elsewhere;
  t::write_file(elsewhere / "secret", "s\n");
  fs::create_directories(defs / "files");
  fs::create_symlink(elsewhere / "secret", defs / "files/secret");
  t::write_file(defs / "amd64/a.yaml", "spack:\n  specs: [zlib]\nspacktainer:\n  files:\n    - files/secret:/s\n");
  const std::string err = error_of(defs.path());
  EXPECT_NE(err.find(":5: files source 'files/secret' is outside"), std::string::npos) << err;
}

TEST(Definitions, TwoDefinitionsOfOneNameInAnArchitecture) {
  t::TempDir defs;
  t::write_file(defs / "amd64/tool.yaml", "spack:\n  specs: [tool]\n");
  t::write_file(defs / "amd64/tool.def", "Bootstrap: docker\nFrom: org/tool:1\n");
  t::write_file(defs / "arm64/tool.yaml", "spack:\n  specs: [tool]\n");  // another arch: fine
  const std::string err = error_of(defs.path());
  EXPECT_NE(err.find((defs / "amd64/tool.yaml").string() + ":1: a second definition of container 'tool'"),
            std::string::npos)
      << err;
}

TEST(Definitions, MalformedFilesAndAMissingFolder) {
  t::TempDir defs;
  t::write_file(defs / "amd64/broken.yaml", "spack:\n  specs: [zlib\n");
  t::write_file(defs / "amd64/nofrom.def", "Bootstrap: docker\n%post\n  true\n");
  t::write_file(defs / "amd64/Bad_Name.yaml", "spack:\n  specs: [zlib]\n");
  const std::string err = error_of(defs.path());
  EXPECT_NE(err.find((defs / "amd64/broken.yaml").string() + ":"), std::string::npos) << err;
  EXPECT_NE(err.find("no 'From:' image"), std::string::npos) << err;
  EXPECT_NE(err.find("'Bad_Name' is not a valid image name"), std::string::npos) << err;
  EXPECT_THROW(load_definitions(defs / "absent"), spackext::InputError);
  EXPECT_THROW(load_definitions(defs.path(), std::string("ppc64le")), spackext::UsageError);
}

}  // namespace
