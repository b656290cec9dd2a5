// Every command of shared/reference/seed-interface.md, typed as documented,
// in the documented order, against the real host and plugins. Where a
// command needs a service that is not here (the documented mirror at
// cache.example.com), it must fail with a clear message and exit 1.
#include <nlohmann/json.hpp>

#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = spackext::testing;

class SeedInterface : public ::testing::Test {
 protected:
  t::RunResult run(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
    t::RunOptions o;
    o.env = {{"SPACK_EXT_DMI_ROOT", (home_ / "no-dmi").string()}};
    for (const auto& [k, v] : env) o.env[k] = v;
    o.unset_env = {"SPACK_EXT_AWS_METADATA_URL", "SPACK_EXT_GCP_METADATA_URL", "SPACK_EXT_AZURE_METADATA_URL"};
    if (!env.count("SPACK_ROOT")) o.unset_env.push_back("SPACK_ROOT");
    if (cwd_) o.cwd = *cwd_;
    auto r = t::run_host(args, home_.path(), o);
    std::string line;
    for (const auto& a : args) line += " " + a;
    last_ = "spack-ext" + line + "\nexit " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
    return r;
  }
  t::TempDir home_{"spackext-seed"};
  std::optional<fs::path> cwd_;  // where the command runs (default: home_)
  std::string last_;
};

TEST_F(SeedInterface, BuildcacheMirrors) {
  EXPECT_EQ(run({"buildcache", "add-mirror", "production", "https://cache.example.com", "--push"}).exit_code, 0)
      << last_;
  auto list = run({"buildcache", "list-mirrors"});
  EXPECT_EQ(list.exit_code, 0) << last_;
  EXPECT_NE(list.out.find("production  https://cache.example.com"), std::string::npos) << last_;
  // No network here: a clear failure naming the mirror, exit 1.
  auto stats = run({"buildcache", "stats", "production"});
  EXPECT_EQ(stats.exit_code, 1) << last_;
  EXPECT_NE(stats.err.find("cache.example.com"), std::string::npos) << last_;
}

TEST_F(SeedInterface, Snapshots) {
  // "production" is an environment under Spack's environments root.
  SPACKEXT_REQUIRE_FIXTURE(source, "fixtures/spack/env");
  const auto env = home_ / "spack/var/spack/environments/production";
  fs::create_directories(env);
  t::write_file(env / "spack.yaml", t::read_file(source / "spack.yaml"));
  t::write_file(env / "spack.lock", t::read_file(source / "spack.lock"));
  const std::map<std::string, std::string> spack_root{{"SPACK_ROOT", (home_ / "spack").string()}};
  auto id_of = [](const t::RunResult& r) {
    auto at = r.out.find("snap_");
    return at == std::string::npos ? std::string() : r.out.substr(at, r.out.find_first_of(" \n):,", at) - at);
  };
  auto created = run({"snapshot", "create", "pre-upgrade", "--env", "production", "--desc", "Before compiler upgrade"},
                     spack_root);
  ASSERT_EQ(created.exit_code, 0) << last_;
  const auto first = id_of(created);
  EXPECT_TRUE(first.size() > 5 && first.find_first_not_of("0123456789abcdef", 5) == std::string::npos) << first;
  // A second snapshot after a change, for the documented diff of two.
  t::write_file(env / "spack.yaml", t::read_file(source / "spack.yaml") + "  # changed\n");
  const auto second = id_of(run({"snapshot", "create", "post-upgrade", "--env", "production"}, spack_root));
  ASSERT_FALSE(second.empty()) << last_;
  auto list = run({"snapshot", "list"}, spack_root);
  EXPECT_EQ(list.exit_code, 0) << last_;
  EXPECT_NE(list.out.find(first), std::string::npos) << last_;
  EXPECT_EQ(run({"snapshot", "diff", first, second}, spack_root).exit_code, 0) << last_;
  auto dry = run({"snapshot", "restore", first, "--dry-run"}, spack_root);
  EXPECT_EQ(dry.exit_code, 0) << last_;
  EXPECT_NE(t::read_file(env / "spack.yaml"), t::read_file(source / "spack.yaml"));
  EXPECT_EQ(run({"snapshot", "restore", first}, spack_root).exit_code, 0) << last_;
  EXPECT_EQ(t::read_file(env / "spack.yaml"), t::read_file(source / "spack.yaml"));
}

TEST_F(SeedInterface, Health) {
  // Whether this machine is healthy is not the test's to say: 0 or 1, with a report.
  auto plain = run({"health", "check"});
  EXPECT_TRUE(plain.exit_code == 0 || plain.exit_code == 1) << last_;
  EXPECT_NE(plain.out.find("disk"), std::string::npos) << last_;
  auto verbose = run({"health", "check", "--verbose"});
  EXPECT_EQ(verbose.exit_code, plain.exit_code) << last_;
  EXPECT_GE(verbose.out.size(), plain.out.size()) << last_;
}

TEST_F(SeedInterface, SiteConfiguration) {
  EXPECT_EQ(run({"config", "generate", "--auto-detect", "--output", "./my-site-config"}).exit_code, 0) << last_;
  EXPECT_TRUE(fs::exists(home_ / "my-site-config" / "packages.yaml"));
  EXPECT_EQ(run({"config", "generate", "--arch", "x86_64_v4", "--site", "mylab", "--output", "./configs/mylab"})
                .exit_code,
            0)
      << last_;
  EXPECT_EQ(run({"config", "generate", "--provider", "aws", "--instance-type", "c5.24xlarge"}).exit_code, 0) << last_;
  EXPECT_TRUE(fs::exists(home_ / "aws-c5.24xlarge-config" / "packages.yaml"));
  EXPECT_EQ(run({"config", "generate", "--provider", "aws", "--instance-type", "c7i.24xlarge", "--region",
                 "us-east-1", "--output", "aws-config/"})
                .exit_code,
            0)
      << last_;
  // Documented to write a CPU-optimized packages file, modules.yaml (Lmod) and postinstall.sh.
  for (const char* f : {"packages.yaml", "modules.yaml", "postinstall.sh"})
    EXPECT_TRUE(fs::exists(home_ / "aws-config" / f)) << f;
  EXPECT_NE(t::read_file(home_ / "aws-config" / "packages.yaml").find("sapphirerapids"), std::string::npos);
  EXPECT_EQ(run({"config", "template", "create", "--name", "multi-lab"}).exit_code, 0) << last_;
  for (std::string lab : {"physics", "chemistry", "bio"}) {
    EXPECT_EQ(run({"config", "generate", "--template", "multi-lab", "--var", "lab_name=" + lab, "--var",
                   "lab_storage=/labs/" + lab + "/spack", "--output", "configs/" + lab + "/"})
                  .exit_code,
              0)
        << last_;
    EXPECT_NE(t::read_file(home_ / "configs" / lab / "packages.yaml").find("# lab_name = " + lab), std::string::npos);
  }
}

// The documented package definition, verbatim (unquoted `python@3.11:` items included).
constexpr const char* kNeurotoolYaml = R"(# packages/neurotool.yaml
name: neurotool
family: neuroscience
version: 3.2.1

description: Neural simulation toolkit

dependencies:
  - python@3.11:
  - py-numpy@1.24:
  - py-scipy@1.11:
  - hdf5+mpi

profiles:
  quick:
    variants: ~optimization

  optimized:
    variants: +optimization +avx512
    cflags: -O3 -march=native

  debug:
    variants: +debug ~optimization
    cflags: -g -O0

compatibility:
  python: ">=3.9,<3.13"
  numpy: ">=1.20"
)";

// A spack stand-in for the deployment lines (no Spack here): records its
// calls, makes environment folders, prints configuration sections.
constexpr const char* kSpackStandIn = R"SH(#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls"
while [ "$1" = -C ] || [ "$1" = -e ]; do shift 2; done
case "$1 $2" in
  "env create") mkdir -p "$4" && cp "$5" "$4/spack.yaml" ;;
  "config get") printf '%s: {}\n' "$3" ;;
esac
)SH";

TEST_F(SeedInterface, PackagesThenDeployment) {
  // The documented import reads templates/packages/neuroscience/ from the current folder.
  fs::create_directory_symlink(t::source_dir() / "templates", home_ / "templates");
  t::write_file(home_ / "packages" / "neurotool.yaml", kNeurotoolYaml);
  auto r = run({"package", "validate", "./packages/neurotool.yaml"});
  EXPECT_EQ(r.exit_code, 0) << last_;

  cwd_ = home_ / "packages";  // create writes into the current folder
  EXPECT_EQ(run({"package", "create", "my-neuroscience-tool", "--family", "neuroscience", "--version", "2.1.0",
                 "--deps", "python,numpy,scipy"})
                .exit_code,
            0)
      << last_;
  cwd_.reset();
  EXPECT_EQ(run({"package", "validate", "./packages/my-neuroscience-tool.yaml"}).exit_code, 0) << last_;
  EXPECT_EQ(run({"package", "list", "--family", "neuroscience"}).exit_code, 0) << last_;
  EXPECT_EQ(run({"package", "import", "--family", "neuroscience", "--from", "templates/packages/neuroscience/"})
                .exit_code,
            0)
      << last_;
  ASSERT_EQ(run({"package", "env-create", "--family", "neuroscience", "--output", "environments/neuro-stack.yaml"})
                .exit_code,
            0)
      << last_;
  ASSERT_TRUE(fs::is_regular_file(home_ / "environments" / "neuro-stack.yaml"));  // a file, not a folder

  // The deployment lines, with a deploy.yaml whose stages are the ones the
  // documented --stages names, environments given as files, and the spack
  // executable from the deploy.spack setting (its environment variable).
  t::write_file(home_ / "bin" / "spack", kSpackStandIn);
  fs::permissions(home_ / "bin" / "spack", fs::perms::owner_all);
  const std::map<std::string, std::string> spack{{"SPACK_EXT_DEPLOY__SPACK", (home_ / "bin" / "spack").string()}};
  for (const char* stage : {"compiler", "externals", "apps"})
    t::write_file(home_ / "environments" / (std::string(stage) + ".yaml"), "spack:\n  specs: [zlib]\n");
  t::write_file(home_ / "deploy.yaml", R"(deployment: {name: production-2024, base_path: stack}
stages:
  - {name: compiler, environment: environments/compiler.yaml}
  - {name: externals, environment: environments/externals.yaml, depends: [compiler]}
  - {name: apps, environment: environments/apps.yaml, depends: [externals], parallel: 4}
artifacts:
  propagate: [compilers.yaml, packages.yaml]
)");
  r = run({"deploy", "--config", "deploy.yaml", "--dry-run"}, spack);
  EXPECT_EQ(r.exit_code, 0) << last_;
  EXPECT_FALSE(fs::exists(home_ / "bin" / "calls")) << "a dry run runs nothing";
  r = run({"deploy", "--config", "deploy.yaml", "--stages", "compiler,externals,apps"}, spack);
  ASSERT_EQ(r.exit_code, 0) << last_;
  EXPECT_NE(r.out.find("deployment 1: succeeded (3 succeeded"), std::string::npos) << last_;
  EXPECT_NE(t::read_file(home_ / "bin" / "calls").find(" config get packages"), std::string::npos);
  r = run({"deploy", "status", "--deployment-id", "abc123"});
  EXPECT_EQ(r.exit_code, 2) << last_;  // our ids are numbers, as 'deploy list' shows
  EXPECT_NE(r.err.find("'abc123' is not a deployment id"), std::string::npos) << last_;
  r = run({"deploy", "status", "--deployment-id", "1"});
  EXPECT_EQ(r.exit_code, 0) << last_;
  EXPECT_NE(r.out.find("deployment 1 (production-2024): succeeded"), std::string::npos) << last_;
  // The environment `package env-create` wrote, deployed on its own.
  r = run({"deploy", "--env", "environments/neuro-stack.yaml"}, spack);
  EXPECT_EQ(r.exit_code, 0) << last_;
  EXPECT_NE(t::read_file(home_ / "bin" / "calls").find(" install\n"), std::string::npos);
  // Without a Spack: a clear failure, exit 1.
  r = run({"deploy", "--env", "environments/neuro-stack.yaml", "--spack", (home_ / "no-spack").string()});
  EXPECT_EQ(r.exit_code, 1) << last_;
  EXPECT_NE(r.err.find("deploy status 3"), std::string::npos) << last_;
}

TEST_F(SeedInterface, Cpu) {
  EXPECT_EQ(run({"optimize", "detect"}).exit_code, 0) << last_;
  auto rec = run({"optimize", "recommend", "--package", "hpl"});
  // A host whose CPU is newer than its compiler gets a clear refusal, not a crash.
  EXPECT_TRUE(rec.exit_code == 0 || rec.exit_code == 2) << last_;
  if (rec.exit_code == 0) EXPECT_NE(rec.out.find("hpl: "), std::string::npos) << last_;
  EXPECT_EQ(run({"optimize", "generate", "--arch", "zen4", "--output", "optimizations.yaml"}).exit_code, 0) << last_;
  EXPECT_NE(t::read_file(home_ / "optimizations.yaml").find("zen4"), std::string::npos);
}

}  // namespace
