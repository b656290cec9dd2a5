// `spack-ext health check` through the real host and plugins: checks from
// several plugins (health, config, buildcache, the host, a site plugin),
// exit codes (fail, --strict, bad input), --json, and a mirror that is a
// Spack-made buildcache.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = spackext::testing;
using nlohmann::json;

class HealthCli : public ::testing::Test {
 protected:
  t::RunResult run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    t::RunOptions o;
    o.env = std::move(env);
    // A Spack checkout of our own, so the result does not depend on the machine.
    o.env.emplace("SPACK_ROOT", spack_.path().string());
    return t::run_host(args, home_.path(), o);
  }
  void SetUp() override {
    t::write_file(spack_ / "bin/spack", "#!/bin/sh\n");
    fs::permissions(spack_ / "bin/spack", fs::perms(0755));
    t::write_file(spack_ / "lib/spack/spack/__init__.py", "__version__ = \"1.1.0\"\n");
  }
  static const json* check(const json& doc, const std::string& name) {
    for (const auto& c : doc["checks"])
      if (c["name"] == name) return &c;
    return nullptr;
  }
  t::TempDir home_{"spackext-health-cli"};
  t::TempDir spack_{"spackext-health-spack"};
};

TEST_F(HealthCli, EveryShippedCheckRunsAndReports) {
  auto r = run({"--json", "health", "check", "--offline"});
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  auto doc = json::parse(r.out);
  for (const char* name : {"compilers", "configs", "disk", "mirrors", "modules", "plugins", "spack", "tools"}) {
    const json* c = check(doc, name);
    ASSERT_NE(c, nullptr) << name << " missing in " << r.out;
    EXPECT_FALSE((*c)["results"].empty()) << name;
  }
  EXPECT_EQ((*check(doc, "mirrors"))["status"], "skipped");  // --offline
  EXPECT_EQ((*check(doc, "plugins"))["plugin"], "host");
  EXPECT_EQ((*check(doc, "compilers"))["plugin"], "config");
  EXPECT_EQ((*check(doc, "spack"))["results"][0]["data"]["version"], "1.1.0");
  EXPECT_EQ(doc["exit_code"], r.exit_code);
  EXPECT_EQ(r.exit_code, doc["status"] == "fail" ? 1 : 0);
}

TEST_F(HealthCli, ToolsReportTheVersionsTheToolsPrint) {
  auto r = run({"--json", "health", "check", "--check", "tools"});
  auto doc = json::parse(r.out);
  const json* tools = check(doc, "tools");
  ASSERT_NE(tools, nullptr);
  for (const auto& res : (*tools)["results"]) {
    if (res["status"] != "ok") continue;
    // The version reported is what the tool says of itself.
    const std::string exe = res["data"]["path"];
    auto banner = t::run({exe, res["item"] == "unzip" ? "-v" : res["item"] == "bzip2" ? "--help" : "--version"});
    EXPECT_NE((banner.out + banner.err).find(res["data"]["version"].get<std::string>()), std::string::npos)
        << res.dump();
  }
}

TEST_F(HealthCli, ASiteCheckFromItsOwnPluginRunsBesideTheShippedOnes) {
  t::TempDir scratch;
  const std::vector<std::string> args = {"--plugin-path", SPACKEXT_SITE_HEALTH_DIR, "--json", "health", "check",
                                         "--check", "scratch", "--check", "spack"};
  auto ok = run(args, {{"SITE_SCRATCH", scratch.path().string()}});
  ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  auto doc = json::parse(ok.out);
  EXPECT_EQ((*check(doc, "scratch"))["plugin"], "fixture-site-health");
  EXPECT_EQ((*check(doc, "scratch"))["status"], "ok");
  // The site check fails, or throws: exit 1, the message kept.
  auto missing = run(args, {{"SITE_SCRATCH", (scratch / "absent").string()}});
  EXPECT_EQ(missing.exit_code, 1);
  auto thrown = run(args, {});
  EXPECT_EQ(thrown.exit_code, 1);
  EXPECT_NE(thrown.out.find("SITE_SCRATCH is not set"), std::string::npos) << thrown.out;
}

TEST_F(HealthCli, WarningsFailOnlyWithStrict) {
  t::TempDir mods;
  // One missing folder in MODULEPATH is a warning.
  std::map<std::string, std::string> env = {{"MODULEPATH", mods.path().string() + ":" + (mods / "gone").string()}};
  auto lax = run({"health", "check", "--check", "modules"}, env);
  EXPECT_EQ(lax.exit_code, 0) << lax.out << lax.err;
  EXPECT_NE(lax.out.find("does not exist"), std::string::npos) << lax.out;
  auto strict = run({"health", "check", "--check", "modules", "--strict"}, env);
  EXPECT_EQ(strict.exit_code, 1) << strict.out;
  EXPECT_NE(strict.out.find("warnings fail with --strict"), std::string::npos) << strict.out;
}

TEST_F(HealthCli, AnInvalidSpackScopeFailsWithFileAndLine) {
  SPACKEXT_REQUIRE_FIXTURE(bad, "fixtures/spack/config/packages.invalid-unknown-key.yaml");
  fs::create_directories(home_ / "scope");
  fs::copy_file(bad, home_ / "scope/packages.yaml");
  auto r = run({"health", "check", "--check", "configs", "--spack-scope", (home_ / "scope").string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find((home_ / "scope/packages.yaml").string() + ":3:"), std::string::npos) << r.out;
}

TEST_F(HealthCli, BadInputExitsTwo) {
  auto unknown = run({"health", "check", "--check", "no-such-check"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("installed checks:"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("disk"), std::string::npos) << unknown.err;
  auto scope = run({"health", "check", "--spack-scope", (home_ / "absent").string()});
  EXPECT_EQ(scope.exit_code, 2);
  t::write_file(home_ / "spack-ext.yaml", "health:\n  disk:\n    warn_below_gib: plenty\n");
  auto setting = run({"health", "check", "--check", "disk"});
  EXPECT_EQ(setting.exit_code, 1);  // the check fails, naming the key
  EXPECT_NE(setting.out.find("health.disk.warn_below_gib"), std::string::npos) << setting.out;
}

TEST_F(HealthCli, PluginsCheckReportsWhatPluginDoctorReports) {
  t::TempDir extra;
  fs::permissions(extra.path(), fs::perms(0755));
  const fs::path src = fs::path(SPACKEXT_CONTRACT_FIXTURE_DIR) / "fixture-register-throws.so";
  ASSERT_TRUE(fs::exists(src)) << src;
  fs::copy_file(src, extra / "fixture-register-throws.so");
  fs::permissions(extra / "fixture-register-throws.so", fs::perms(0755));
  auto r = run({"--plugin-path", extra.path().string(), "--json", "health", "check", "--check", "plugins"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto doc = json::parse(r.out);
  const auto& res = (*check(doc, "plugins"))["results"];
  ASSERT_EQ(res.size(), 1u) << r.out;
  EXPECT_EQ(res[0]["item"], "register-throws");
  EXPECT_EQ(res[0]["data"]["state"], "init-failed");
}

TEST_F(HealthCli, AMirrorHoldingASpackBuildcacheIsReachableWithItsIndex) {
  SPACKEXT_REQUIRE_FIXTURE(cache, "fixtures/spack/buildcache-v3-unsigned");
  t::write_file(home_ / ".config/spack-ext/mirrors.yaml",
                "mirrors:\n  peer: file://" + cache.string() + "\n  gone: file://" + (home_ / "absent").string() + "\n");
  auto r = run({"--json", "health", "check", "--check", "mirrors"});
  auto doc = json::parse(r.out);
  const auto& res = (*check(doc, "mirrors"))["results"];
  ASSERT_EQ(res.size(), 2u) << r.out;
  const json& peer = res[0]["item"] == "peer" ? res[0] : res[1];
  const json& gone = res[0]["item"] == "peer" ? res[1] : res[0];
  EXPECT_EQ(peer["status"], "ok") << peer.dump();
  EXPECT_TRUE(peer["data"]["index_readable"].get<bool>());
  EXPECT_GT(peer["data"]["index_specs"].get<int>(), 0);
  EXPECT_NE(gone["status"], "ok") << gone.dump();
  EXPECT_EQ(r.exit_code, gone["status"] == "fail" ? 1 : 0);
}

}  // namespace
