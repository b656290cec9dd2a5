// `spack-ext container build-defs|list` through the real host: recipes for a
// definitions folder, what changed since, bad definitions (exit 2, nothing
// written), and the real checks this machine can run on a generated
// Dockerfile: dockerfilelint, and buildah building it from a local base image.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <sstream>

#include <nlohmann/json.hpp>

#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = spackext::testing;
using nlohmann::json;

class ContainerCli : public ::testing::Test {
 protected:
  void SetUp() override {
    t::write_file(defs_ / "amd64/peer.yaml",
                  "spack:\n  specs:\n  - peerhello@1.0\n  - zlib\nspacktainer:\n  files:\n"
                  "  - files/peer/motd:/etc/motd\n");
    t::write_file(defs_ / "files/peer/motd", "hello\n");
    t::write_file(defs_ / "arm64/peer.yaml", "spack:\n  specs: [peerhello@1.0]\n");
    t::write_file(defs_ / "amd64/storage.def", "Bootstrap: docker\nFrom: org/storage:2.1\n");
  }
  t::RunResult run(std::vector<std::string> args) { return t::run_host(args, home_.path()); }
  json list() {
    auto r = run({"--json", "container", "list", defs_.path().string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }
  static const json& row(const json& rows, const std::string& arch, const std::string& name) {
    for (const auto& r : rows)
      if (r["arch"] == arch && r["name"] == name) return r;
    throw std::runtime_error("no row " + arch + "/" + name);
  }
  t::TempDir home_{"spackext-container-cli"};
  t::TempDir defs_{"spackext-container-defs"};
  t::TempDir out_{"spackext-container-out"};
};

TEST_F(ContainerCli, BuildDefsThenListTellsWhatChanged) {
  auto before = list();
  ASSERT_EQ(before.size(), 3u);
  for (const auto& r : before) EXPECT_TRUE(r["changed"].get<bool>()) << r.dump();  // never built
  EXPECT_EQ(row(before, "amd64", "peer")["version"], "1.0");
  EXPECT_EQ(row(before, "amd64", "storage")["kind"], "def");
  EXPECT_EQ(row(before, "amd64", "storage")["version"], "2.1");

  auto b = run({"container", "build-defs", defs_.path().string(), "--output", out_.path().string(), "--mirror",
                "file:///srv/buildcache"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_TRUE(fs::exists(out_ / "amd64/peer/Dockerfile"));
  EXPECT_TRUE(fs::exists(out_ / "arm64/peer/Dockerfile"));
  EXPECT_TRUE(fs::exists(out_ / "amd64/storage/Singularity.def"));
  EXPECT_EQ(t::read_file(out_ / "amd64/peer/files/peer/motd"), "hello\n");
  // Per-architecture targets, the buildcache in the environment.
  auto amd = YAML::LoadFile((out_ / "amd64/peer/spack.yaml").string())["spack"];
  auto arm = YAML::LoadFile((out_ / "arm64/peer/spack.yaml").string())["spack"];
  EXPECT_EQ(amd["packages"]["all"]["target"][0].as<std::string>(), "x86_64_v3");
  EXPECT_EQ(arm["packages"]["all"]["target"][0].as<std::string>(), "aarch64");
  EXPECT_EQ(amd["mirrors"]["buildcache"].as<std::string>(), "file:///srv/buildcache");

  for (const auto& r : list()) EXPECT_FALSE(r["changed"].get<bool>()) << r.dump();
  // A file the definition copies changes: only that container needs a build.
  t::write_file(defs_ / "files/peer/motd", "hello again\n");
  auto after = list();
  EXPECT_TRUE(row(after, "amd64", "peer")["changed"].get<bool>());
  EXPECT_FALSE(row(after, "arm64", "peer")["changed"].get<bool>());
  auto changed = run({"--json", "container", "list", defs_.path().string(), "--changed"});
  EXPECT_EQ(json::parse(changed.out).size(), 1u) << changed.out;
  // A previous containers.json (a CI artifact) works as the reference too.
  auto since = run({"--json", "container", "list", defs_.path().string(), "--since", (out_ / "containers.json").string()});
  EXPECT_TRUE(row(json::parse(since.out), "amd64", "peer")["changed"].get<bool>());
}

TEST_F(ContainerCli, BadDefinitionsExitTwoAndWriteNothing) {
  t::write_file(defs_ / "amd64/bad.yaml", "spack:\n  specs: [x]\nspacktainer:\n  files:\n  - ../../etc/passwd:/etc/passwd\n");
  auto r = run({"container", "build-defs", defs_.path().string(), "--output", (out_ / "recipes").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find((defs_ / "amd64/bad.yaml").string() + ":5:"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out_ / "recipes"));
  auto missing = run({"container", "list", (defs_ / "absent").string()});
  EXPECT_EQ(missing.exit_code, 2);
  auto arch = run({"container", "build-defs", defs_.path().string(), "--output", out_.path().string(), "--arch", "ppc64le"});
  EXPECT_EQ(arch.exit_code, 2);
}

// `packages` is copied into the recipe's spack.yaml as written: one that
// contains itself through an alias was written out for Spack to choke on.
TEST_F(ContainerCli, SelfContainingAliasIsRefused) {
  t::write_file(defs_ / "amd64/peer.yaml", "spack:\n  specs: [x]\n  packages: &x\n    all: {require: *x}\n");
  auto r = run({"container", "build-defs", defs_.path().string(), "--output", (out_ / "recipes").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find((defs_ / "amd64/peer.yaml").string() + ":3: an alias refers to"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out_ / "recipes"));
}

// A --since file that is not what build-defs writes: exit 2 naming it (an
// entry of the wrong shape was a JSON type error, exit 1).
TEST_F(ContainerCli, DamagedSinceFileExitsTwo) {
  for (const std::string text : {R"({"containers": [1]})", R"({"containers": [{"arch": "amd64", "name": 3, "hash": "x"}]})",
                                 R"({"containers": [{"arch": "amd64", "name": "peer"}]})", "{\"containers\": [\n}"}) {
    t::write_file(out_ / "containers.json", text);
    auto r = run({"container", "list", defs_.path().string(), "--since", (out_ / "containers.json").string()});
    EXPECT_EQ(r.exit_code, 2) << text << ": " << r.err;
    EXPECT_NE(r.err.find("containers.json"), std::string::npos) << r.err;
  }
}

TEST_F(ContainerCli, DockerfilelintAcceptsTheGeneratedDockerfiles) {
  const char* tools = std::getenv("SPACKEXT_TOOLS_DIR");
  const fs::path lint = fs::path(tools ? tools : std::string(std::getenv("HOME")) + "/.cache/spack-ext/test-tools") /
                        "node_modules/.bin/dockerfilelint";
  if (!fs::exists(lint)) GTEST_SKIP() << "dockerfilelint not installed (run tests/services/dockerfilelint/install.sh)";
  auto b = run({"container", "build-defs", defs_.path().string(), "--output", out_.path().string(), "--mirror",
                "file:///srv/buildcache"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  for (const char* arch : {"amd64", "arm64"}) {
    auto r = t::run({lint.string(), (out_ / arch / "peer/Dockerfile").string()});
    EXPECT_EQ(r.exit_code, 0) << arch << "\n" << r.out << r.err;
  }
}

// buildah builds the generated Dockerfile from a base image made here (no
// registry is reachable): FROM scratch plus this machine's shell and
// coreutils. The image has no Spack, so the build runs every step before the
// first `spack` command (base image, context, spack.yaml copied in) and stops
// there; that is as far as a build can go on a machine without Spack images.
TEST_F(ContainerCli, BuildahRunsTheBuilderStageUpToSpack) {
  if (!fs::exists("/usr/bin/buildah")) GTEST_SKIP() << "buildah not installed (scripts/deps/container.txt)";
  t::TempDir work{"spackext-buildah"};
  const std::string root = (work / "storage").string(), runroot = (work / "run").string();
  auto buildah = [&](std::vector<std::string> args, const fs::path& cwd) {
    std::vector<std::string> argv = {"/usr/bin/buildah", "--storage-driver", "vfs", "--root", root, "--runroot", runroot};
    argv.insert(argv.end(), args.begin(), args.end());
    t::RunOptions o;
    o.cwd = cwd;
    o.timeout_seconds = 300;
    return t::run(argv, o);
  };
  // The base: /bin/sh and mkdir with the libraries they load.
  const fs::path rootfs = work / "rootfs";
  for (const char* bin : {"/bin/sh", "/bin/mkdir", "/bin/dash"}) {
    fs::create_directories(rootfs / fs::path(bin).relative_path().parent_path());
    fs::copy_file(fs::canonical(bin), rootfs / fs::path(bin).relative_path(), fs::copy_options::overwrite_existing);
    auto ldd = t::run({"/usr/bin/ldd", bin});
    std::istringstream in(ldd.out);
    for (std::string word; in >> word;)
      if (word[0] == '/' && fs::exists(word)) {
        fs::create_directories(rootfs / fs::path(word).relative_path().parent_path());
        fs::copy_file(fs::canonical(word), rootfs / fs::path(word).relative_path(), fs::copy_options::overwrite_existing);
      }
  }
  t::write_file(work / "base/Dockerfile", "FROM scratch\nCOPY rootfs/ /\n");
  fs::rename(rootfs, work / "base/rootfs");
  auto base = buildah({"build", "--isolation", "chroot", "-t", "localhost/spackext-test-base:1", "."}, work / "base");
  ASSERT_EQ(base.exit_code, 0) << base.out << base.err;

  t::write_file(home_ / "spack-ext.yaml", "container:\n  builder_image: localhost/spackext-test-base:1\n");
  auto b = run({"container", "build-defs", defs_.path().string(), "--output", out_.path().string(), "--arch", "amd64",
                "--base-image", "localhost/spackext-test-base:1"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  auto r = buildah({"build", "--layers", "--isolation", "chroot", "--pull-never", "-t", "peer:test", "."}, out_ / "amd64/peer");
  const std::string log = r.out + r.err;
  // Every step before Spack ran; the first spack command is where it ends.
  EXPECT_NE(log.find("COPY spack.yaml /opt/spack-environment/spack.yaml"), std::string::npos) << log;
  EXPECT_NE(log.find("spack: not found"), std::string::npos) << log;
  EXPECT_NE(r.exit_code, 0);
}

}  // namespace
