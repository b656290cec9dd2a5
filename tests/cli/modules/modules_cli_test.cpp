// `spack-ext modules ...` through the real host and plugins: the writers and
// the file:// mirror are found through the registry, --json output, exit
// codes and messages for bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <spackext_testing/testing.hpp>

#include "generated_tree.hpp"
#include "synthetic_stack.hpp"

namespace {

namespace fs = std::filesystem;
namespace st = spackext::testing;
namespace sm = spackext::testing::modules;

class ModulesCli : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lock = sm::synthetic_lockfile({});
    st::write_file(dir_ / "spack.lock", lock.dump());
    sm::create_prefixes(lock, dir_ / "opt/spack");
    st::write_file(dir_ / "modules.yaml", "modules:\n  default:\n    lmod:\n      core_compilers: ['gcc@12.2.0']\n");
  }
  st::RunResult run(std::vector<std::string> args) { return st::run_host(args, home_.path()); }
  std::vector<std::string> generate(const std::string& sub = "generate") const {
    return {"--json", "modules", sub, "--from", (dir_ / "spack.lock").string(), "--root", (dir_ / "lmod").string(),
            "--config", (dir_ / "modules.yaml").string(), "--install-root", (dir_ / "opt/spack").string()};
  }
  st::TempDir home_, dir_;
};

TEST_F(ModulesCli, GenerateThenRefreshAsJson) {
  auto first = run(generate());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto j = nlohmann::json::parse(first.out);
  EXPECT_EQ(j["system"], "lmod");
  // system gcc, 2 built compilers, zlib per compiler, 2 MPIs x 2 compilers, app0 per MPI build
  EXPECT_EQ(j["written"].size(), 13u);
  EXPECT_TRUE(fs::exists(dir_ / "lmod/module-index.yaml"));
  auto second = run(generate("refresh"));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  auto k = nlohmann::json::parse(second.out);
  EXPECT_TRUE(k["written"].empty());
  EXPECT_EQ(k["kept"].size(), j["written"].size());
}

TEST_F(ModulesCli, BuildcacheSourceThroughTheMirrorRegistry) {
  SPACKEXT_REQUIRE_FIXTURE(cache, "fixtures/spack/buildcache-v3-unsigned");
  auto r = run({"--json", "modules", "generate", "--from", "file://" + cache.string(), "--root",
                (dir_ / "tcl").string(), "--system", "tcl", "--install-root", "/opt/spack-peer/spack/opt/spack"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["written"].size(), 3u);
  EXPECT_TRUE(fs::exists(dir_ / "tcl/linux-debian12-x86_64_v4/peerlib/1.0-gcc-12.2.0-fe2xtrz"));
}

// A mirror by name, as `buildcache add-mirror` records it in spack-ext's
// mirrors.yaml (Spack's format).
TEST_F(ModulesCli, BuildcacheSourceByMirrorName) {
  SPACKEXT_REQUIRE_FIXTURE(cache, "fixtures/spack/buildcache-v3-unsigned");
  st::write_file(home_ / ".config/spack-ext/mirrors.yaml",
                 "mirrors:\n  peer:\n    url: file://" + cache.string() + "\n    signed: false\n");
  auto r = run({"--json", "modules", "generate", "--from", "peer", "--root", (dir_ / "tcl").string(), "--system",
                "tcl", "--install-root", "/opt/spack-peer/spack/opt/spack"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["written"].size(), 3u);
  r = run({"modules", "generate", "--from", "unknown-mirror", "--root", (dir_ / "x").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  // An entry that contains itself through an alias crashed the lookup (SIGSEGV).
  st::write_file(home_ / ".config/spack-ext/mirrors.yaml", "mirrors:\n  peer: &x\n    url: file:///x\n    fetch: {x: *x}\n");
  r = run({"modules", "generate", "--from", "peer", "--root", (dir_ / "y").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("mirrors.yaml:2: an alias refers to"), std::string::npos) << r.err;
}

TEST_F(ModulesCli, BadInputExitsTwoAndWritesNothing) {
  auto args = generate();
  args.push_back("--system");
  args.push_back("dotkit");
  auto r = run(args);
  EXPECT_EQ(r.exit_code, 2) << r.err;

  st::write_file(dir_ / "bad.yaml", "modules:\n  default:\n    lmod:\n      all:\n        autolaod: direct\n");
  args = generate();
  args[8] = (dir_ / "bad.yaml").string();
  r = run(args);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.yaml:5"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'autolaod' was unexpected"), std::string::npos) << r.err;

  args = generate();
  args[4] = (dir_ / "nope.lock").string();
  r = run(args);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no such file or directory"), std::string::npos) << r.err;

  r = run({"modules", "generate", "--root", (dir_ / "lmod").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "lmod"));
}

// A lock file that is not JSON names its line; one with a number beyond a
// double's range is exit 2 as well (nlohmann reports it as out_of_range, not
// as a parse error).
TEST_F(ModulesCli, MalformedLockfileNamesTheLine) {
  st::write_file(dir_ / "broken.lock", "{\n  \"_meta\": {\"lockfile-version\": 5},\n  \"roots\": [,]\n}\n");
  auto args = generate();
  args[4] = (dir_ / "broken.lock").string();
  auto r = run(args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("broken.lock:3"), std::string::npos) << r.err;

  st::write_file(dir_ / "huge.lock", "{\"_meta\": {\"lockfile-version\": 1e9999}}");
  args[4] = (dir_ / "huge.lock").string();
  r = run(args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("huge.lock"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "lmod"));
}

}  // namespace
