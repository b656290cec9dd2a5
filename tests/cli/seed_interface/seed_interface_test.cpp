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
  t::RunResult run(const std::vector<std::string>& args) {
    t::RunOptions o;
    o.env = {{"SPACK_EXT_DMI_ROOT", (home_ / "no-dmi").string()}};
    o.unset_env = {"SPACK_EXT_AWS_METADATA_URL", "SPACK_EXT_GCP_METADATA_URL", "SPACK_EXT_AZURE_METADATA_URL"};
    auto r = t::run_host(args, home_.path(), o);
    std::string line;
    for (const auto& a : args) line += " " + a;
    last_ = "spack-ext" + line + "\nexit " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
    return r;
  }
  t::TempDir home_{"spackext-seed"};
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

TEST_F(SeedInterface, Cpu) {
  EXPECT_EQ(run({"optimize", "detect"}).exit_code, 0) << last_;
  auto rec = run({"optimize", "recommend", "--package", "hpl"});
  // A host whose CPU is newer than its compiler gets a clear refusal, not a crash.
  EXPECT_TRUE(rec.exit_code == 0 || rec.exit_code == 2) << last_;
  if (rec.exit_code == 0) EXPECT_NE(rec.out.find("hpl: "), std::string::npos) << last_;
  EXPECT_EQ(run({"optimize", "generate", "--arch", "zen4", "--output", "optimizations.yaml"}).exit_code, 0) << last_;
  EXPECT_NE(t::read_file(home_ / "optimizations.yaml").find("zen4"), std::string::npos);
}

TEST_F(SeedInterface, DeploymentStatusTakesTheDocumentedOption) {
  auto r = run({"deploy", "status", "--deployment-id", "abc123"});
  EXPECT_EQ(r.exit_code, 2) << last_;
  EXPECT_NE(r.err.find("'abc123' is not a deployment id"), std::string::npos) << last_;
}

}  // namespace
