// The host's own command line: version, help, JSON output, configuration
// scopes, and every bad input with its message and exit code.
#include <nlohmann/json.hpp>

#include "spackext/version.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
using spackext::testing::RunResult;
using spackext::testing::TempDir;

class HostCli : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(plugins_);
    fs::permissions(plugins_, fs::perms(0755));
    fs::copy_file(fs::path(SPACKEXT_CONTRACT_FIXTURE_DIR) / "fixture-good.so", plugins_ / "fixture-good.so");
  }
  RunResult host(const std::vector<std::string>& args) {
    return spackext::testing::run_host(args, home_.path(), {.env = {{"SPACK_EXT_SYSTEM_PLUGIN_PATH", plugins_.string()}}});
  }
  TempDir home_{"spackext-host-cli"};
  fs::path plugins_ = home_ / "plugins";
};

TEST_F(HostCli, VersionNamesReleaseApiAndAbi) {
  auto r = host({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "spack-ext " + std::string(spackext::release_version()) + " (plugin API " +
                       std::string(spackext::kApiVersion) + ", C++ ABI " + std::string(spackext::kAbiTag) + ")\n");
}

TEST_F(HostCli, NoCommandPrintsUsageAndExits2) {
  auto r = host({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out.rfind("usage: spack-ext", 0), 0u) << r.out;
}

TEST_F(HostCli, UnknownCommandSuggestsTheClosest) {
  auto r = host({"godo"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "error: unknown command 'godo'; did you mean 'good'? (run 'spack-ext help')\n");
  auto far = host({"frobnicate"});
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_EQ(far.err, "error: unknown command 'frobnicate' (run 'spack-ext help')\n");
}

TEST_F(HostCli, UnknownGlobalOptionExits2) {
  auto r = host({"--frobnicate", "help"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unrecognised option '--frobnicate'"), std::string::npos) << r.err;
  auto missing = host({"--plugin-path"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "error: option '--plugin-path' needs a value\n");
}

TEST_F(HostCli, PluginSubcommandErrors) {
  EXPECT_EQ(host({"plugin"}).err,
            "error: plugin: missing subcommand (list, info, doctor, pack, install, remove, verify, trust)\n");
  EXPECT_EQ(host({"plugin", "frob"}).err,
            "error: plugin: unknown subcommand 'frob' (expected list, info, doctor, pack, install, remove, verify or trust)\n");
  auto info = host({"plugin", "info", "nosuch"});
  EXPECT_EQ(info.exit_code, 2);
  EXPECT_EQ(info.err, "error: no plugin named 'nosuch'; installed: good\n");
  EXPECT_EQ(host({"help", "nosuch"}).exit_code, 2);
}

TEST_F(HostCli, JsonOutputIsMachineReadable) {
  auto list = host({"plugin", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0);
  auto doc = nlohmann::json::parse(list.out);
  ASSERT_EQ(doc.size(), 1u);
  EXPECT_EQ(doc[0]["name"], "good");
  EXPECT_EQ(doc[0]["state"], "available");
  EXPECT_EQ(doc[0]["api_version"], "1.0");
  auto help = nlohmann::json::parse(host({"--json", "help"}).out);
  bool found = false;
  for (auto& c : help) found |= c["name"] == "good" && c["provider"] == "plugin good 1.0.0";
  EXPECT_TRUE(found) << help.dump();
}

TEST_F(HostCli, BrokenConfigFileNamesFileAndLine) {
  spackext::testing::write_file(home_ / "bad.yaml", "plugins:\n  hello: [unclosed\n");
  auto r = host({"--config", (home_ / "bad.yaml").string(), "plugin", "list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("error: " + (home_ / "bad.yaml").string() + ":", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("invalid YAML"), std::string::npos) << r.err;
  auto missing = host({"--config", (home_ / "absent.yaml").string(), "plugin", "list"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "error: " + (home_ / "absent.yaml").string() + ": cannot read the configuration file\n");
}

TEST_F(HostCli, UnwritableEventsFileExits2) {
  auto r = host({"--events", (home_ / "no/such/dir/events.jsonl").string(), "good"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot open the events file"), std::string::npos) << r.err;
}

TEST_F(HostCli, ConfigScopesReachPlugins) {
  // The user scope and an environment variable, merged; seen through `plugin list`
  // only indirectly, so check the merge through a bad value the host itself reads.
  spackext::testing::write_file(home_ / ".config/spack-ext/config.yaml", "plugins:\n  allow_insecure: true\n");
  fs::permissions(plugins_ / "fixture-good.so", fs::perms(0775));
  auto r = host({"good"});
  EXPECT_EQ(r.exit_code, 0) << r.err << "plugins.allow_insecure in the user scope must be honoured";
}

}  // namespace
