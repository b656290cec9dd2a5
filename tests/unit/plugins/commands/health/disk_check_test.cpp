// The disk check: Spack's path variables, where each path comes from (our
// config, a Spack scope's config.yaml, Spack's defaults), thresholds, and
// paths not created yet measured on the folder they will be created in.
#include <gtest/gtest.h>

#include <cstdlib>

#include <spackext/errors.hpp>

#include "disk_check.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = spackext::testing;
using namespace spackext::health;
using spackext::Config;
using spackext::HealthStatus;

TEST(DiskCheck, ExpandsSpackPathVariables) {
  EXPECT_EQ(expand_spack_path("$spack/opt/spack", "/srv/spack"), fs::path("/srv/spack/opt/spack"));
  EXPECT_EQ(expand_spack_path("${spack}/var/spack/cache", "/srv/spack"), fs::path("/srv/spack/var/spack/cache"));
  EXPECT_FALSE(expand_spack_path("$spack/opt/spack", ""));  // Spack not found
  EXPECT_FALSE(expand_spack_path("$no_such_variable_here/x", "/srv/spack"));
  const char* home = std::getenv("HOME");
  ASSERT_TRUE(home);
  EXPECT_EQ(expand_spack_path("~/stage", ""), fs::path(std::string(home) + "/stage"));
  auto stage = expand_spack_path("$tempdir/$user/spack-stage", "");
  ASSERT_TRUE(stage);
  EXPECT_EQ(stage->filename(), "spack-stage");
}

TEST(DiskCheck, PathsComeFromOurConfigThenTheSpackScopeThenSpackDefaults) {
  t::TempDir scope;
  // config.yaml in the shape Spack documents (install_tree:root, build_stage list).
  t::write_file(scope / "config.yaml",
                "config:\n  install_tree:\n    root: /opt/site/spack\n  build_stage:\n  - /scratch/stage\n"
                "  - $tempdir/stage\n");
  Config ours(nlohmann::json{{"health", {{"disk", {{"paths", {{"cache", "/data/cache"}}}}}}}});
  auto targets = disk_targets(ours, scope.path(), "/srv/spack");
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(targets[0].role, "install");
  EXPECT_EQ(targets[0].path, fs::path("/opt/site/spack"));
  EXPECT_EQ(targets[0].source, (scope / "config.yaml").string());
  EXPECT_EQ(targets[1].path, fs::path("/scratch/stage"));
  EXPECT_EQ(targets[2].path, fs::path("/data/cache"));
  EXPECT_EQ(targets[2].source, "spack-ext config health.disk.paths.cache");

  auto defaults = disk_targets(Config(), "", "/srv/spack");
  ASSERT_EQ(defaults.size(), 3u);
  EXPECT_EQ(defaults[0].path, fs::path("/srv/spack/opt/spack"));
  EXPECT_EQ(defaults[2].path, fs::path("/srv/spack/var/spack/cache"));
  EXPECT_EQ(defaults[0].source, "Spack default");
  // Without Spack, only the stage (which does not use $spack) is known.
  auto no_spack = disk_targets(Config(), "", "");
  ASSERT_EQ(no_spack.size(), 1u);
  EXPECT_EQ(no_spack[0].role, "stage");
}

TEST(DiskCheck, BrokenScopeConfigIsAnInputErrorWithTheLine) {
  t::TempDir scope;
  t::write_file(scope / "config.yaml", "config:\n  install_tree: [unclosed\n");
  try {
    disk_targets(Config(), scope.path(), "/srv/spack");
    FAIL() << "expected an InputError";
  } catch (const spackext::InputError& e) {
    EXPECT_NE(std::string(e.what()).find((scope / "config.yaml").string() + ":"), std::string::npos) << e.what();
    EXPECT_EQ(e.exit_code(), 2);
  }
}

TEST(DiskCheck, ThresholdsAcceptNumbersAndNumericStringsOnly) {
  auto t1 = disk_thresholds(Config(nlohmann::json{{"health", {{"disk", {{"warn_below_gib", "50"}}}}}}));
  EXPECT_DOUBLE_EQ(t1.warn_below_gib, 50);
  EXPECT_DOUBLE_EQ(t1.fail_below_gib, 5);
  EXPECT_THROW(disk_thresholds(Config(nlohmann::json{{"health", {{"disk", {{"fail_below_gib", "lots"}}}}}})),
               spackext::InputError);
  EXPECT_THROW(disk_thresholds(Config(nlohmann::json{{"health", {{"disk", {{"warn_below_gib", 1}, {"fail_below_gib", 2}}}}}})),
               spackext::InputError);
}

TEST(DiskCheck, MeasuresTheNearestExistingFolderAgainstThresholds) {
  t::TempDir dir;
  DiskTarget target{"stage", dir / "not/yet/created", "test"};
  auto ok = measure_disk(target, {0, 0});
  EXPECT_EQ(ok.status, HealthStatus::ok) << ok.value;
  EXPECT_EQ(ok.data["measured_at"], dir.path().string());
  EXPECT_NE(ok.value.find("not created yet"), std::string::npos);
  EXPECT_GT(ok.data["total_bytes"].get<double>(), 0);
  // No disk has an exabyte free: the thresholds decide.
  auto warn = measure_disk(target, {1e9, 0});
  EXPECT_EQ(warn.status, HealthStatus::warn);
  EXPECT_FALSE(warn.advice.empty());
  auto fail = measure_disk(target, {1e9, 1e9});
  EXPECT_EQ(fail.status, HealthStatus::fail);
}

}  // namespace
