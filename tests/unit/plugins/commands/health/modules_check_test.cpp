// The modules check: versions read from the files the module systems ship,
// MODULEPATH problems, and detection of a real installed Lmod when there is one.
#include <gtest/gtest.h>

#include "modules_check.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = spackext::testing;
using namespace spackext::health;
using spackext::HealthStatus;

TEST(ModulesCheck, ParsesVersionsFromTheShippedFiles) {
  // Lmod's libexec/Version.lua and Environment Modules' modulecmd.tcl, as released.
  EXPECT_EQ(parse_lmod_version("local M={}\nfunction M.tag()  return \"8.6.19\"   end\n"), "8.6.19");
  EXPECT_EQ(parse_modules_version("#\n# Some Global Variables.....\n#\nset MODULES_CURRENT_VERSION 3.1.6\n"), "3.1.6");
  EXPECT_EQ(parse_modules_version("set MODULES_CURRENT_VERSION 1.774\n"), "1.774");
  EXPECT_EQ(parse_lmod_version("nothing"), "");
}

TEST(ModulesCheck, ModulepathProblemsAreWarnings) {
  t::TempDir dir;
  fs::create_directories(dir / "Core");
  const std::string core = (dir / "Core").string();
  auto unset = check_modulepath(std::nullopt);
  ASSERT_EQ(unset.size(), 1u);
  EXPECT_EQ(unset[0].status, HealthStatus::warn);

  auto good = check_modulepath(core);
  ASSERT_EQ(good.size(), 1u);
  EXPECT_EQ(good[0].status, HealthStatus::ok);

  auto bad = check_modulepath(core + "::" + core + ":" + (dir / "missing").string());
  ASSERT_EQ(bad.size(), 3u);  // repeated, missing, empty entry
  for (const auto& r : bad) EXPECT_EQ(r.status, HealthStatus::warn) << r.value;
  EXPECT_NE(bad[0].value.find("more than once"), std::string::npos);
  EXPECT_NE(bad[1].value.find("does not exist"), std::string::npos);
  EXPECT_NE(bad[2].value.find("empty"), std::string::npos);
}

std::optional<std::string> no_env(const std::string&) { return std::nullopt; }

TEST(ModulesCheck, FindsTheInstalledLmod) {
  const fs::path lmod = "/usr/share/lmod/lmod/libexec/lmod";
  if (!fs::exists(lmod)) GTEST_SKIP() << "Lmod is not installed (scripts/deps/health.txt installs it)";
  auto found = find_module_system(no_env);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "Lmod");
  EXPECT_EQ(found->found_by, "default location");
  // The version the package manager recorded for the installed Lmod.
  auto dpkg = t::run({"/usr/bin/dpkg-query", "-W", "-f=${Version}", "lmod"});
  ASSERT_EQ(dpkg.exit_code, 0);
  EXPECT_EQ(dpkg.out.rfind(found->version, 0), 0u) << "dpkg says " << dpkg.out << ", read " << found->version;
}

}  // namespace
