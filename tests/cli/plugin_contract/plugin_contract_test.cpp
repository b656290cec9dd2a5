// The plugin contract, end to end: the built host against one fixture plugin
// per failure mode. Each case checks the exact reason `plugin doctor` gives
// and that a plugin refused before loading never ran any code (its static
// constructor would have left a marker file).
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "spackext/version.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
using spackext::testing::RunResult;
using spackext::testing::TempDir;

class PluginContract : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(plugins_);
    fs::create_directories(markers_);
    fs::permissions(plugins_, fs::perms(0755));
  }

  // Copies built fixtures ("good" -> fixture-good.so) into the plugin folder.
  void install(std::initializer_list<std::string> names) {
    for (const auto& n : names) {
      fs::path src = fs::path(SPACKEXT_CONTRACT_FIXTURE_DIR) / ("fixture-" + n + ".so");
      ASSERT_TRUE(fs::exists(src)) << src;
      fs::copy_file(src, plugin_file(n), fs::copy_options::overwrite_existing);
      fs::permissions(plugin_file(n), fs::perms(0755));
    }
  }
  fs::path plugin_file(const std::string& n) const { return plugins_ / ("fixture-" + n + ".so"); }

  RunResult host(const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) {
    spackext::testing::RunOptions options;
    options.env = std::move(env);
    options.env["SPACK_EXT_SYSTEM_PLUGIN_PATH"] = plugins_.string();
    options.env["SPACKEXT_TEST_MARKER_DIR"] = markers_.string();
    return spackext::testing::run_host(args, home_.path(), options);
  }

  bool ran(const std::string& marker) const { return fs::exists(markers_ / (marker + ".ran")); }

  // `plugin list --json`, as name -> record (the last one of a name wins).
  std::map<std::string, nlohmann::json> list_records() {
    auto r = host({"plugin", "list", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, nlohmann::json> out;
    for (auto& rec : nlohmann::json::parse(r.out)) out[rec["name"].get<std::string>()] = rec;
    return out;
  }

  // Runs `plugin doctor` and checks the plugin is reported with this state
  // and reason, in the text and in the JSON form.
  void expect_doctor(const std::string& name, const std::string& state, const std::string& reason) {
    auto text = host({"plugin", "doctor"});
    EXPECT_EQ(text.exit_code, 1) << text.out << text.err;
    EXPECT_NE(text.out.find(name + ": " + state + "\n"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("  reason: " + reason), std::string::npos) << text.out;
    auto json = host({"plugin", "doctor", "--json"});
    auto doc = nlohmann::json::parse(json.out);
    bool found = false;
    for (auto& p : doc["problems"])
      if (p["name"] == name && p["state"] == state) {
        found = true;
        EXPECT_NE(p["reason"].get<std::string>().find(reason), std::string::npos) << p.dump();
      }
    EXPECT_TRUE(found) << json.out;
  }

  TempDir home_{"spackext-contract"};
  fs::path plugins_ = home_ / "plugins";
  fs::path markers_ = home_ / "markers";
};

const std::string kHostAbi(spackext::kAbiTag);

TEST_F(PluginContract, GoodPluginLoadsOnlyWhenItsCommandRuns) {
  install({"good"});
  auto list = host({"plugin", "list"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("good"), std::string::npos);
  EXPECT_FALSE(ran("good")) << "plugin list must not load plugins";
  auto r = host({"good"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "good ran\n");
  EXPECT_TRUE(ran("good"));
}

TEST_F(PluginContract, HelpAndListWorkFromManifestsAlone) {
  install({"good", "other-good"});
  auto help = host({"help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("other-good"), std::string::npos) << help.out;
  auto help_cmd = host({"help", "good"});
  EXPECT_EQ(help_cmd.exit_code, 0);
  EXPECT_NE(help_cmd.out.find("Provided by: plugin good 1.0.0"), std::string::npos) << help_cmd.out;
  EXPECT_FALSE(ran("good"));
  EXPECT_FALSE(ran("other-good"));
}

TEST_F(PluginContract, LazyLoadingLoadsOnlyTheProviderOfTheCommand) {
  install({"good", "other-good"});
  auto r = host({"other-good"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(ran("other-good"));
  EXPECT_FALSE(ran("good"));
}

TEST_F(PluginContract, RequiredPluginIsLoadedFirst) {
  install({"good", "needs-good"});
  auto r = host({"needs-good"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(ran("needs-good"));
  EXPECT_TRUE(ran("good"));
}

TEST_F(PluginContract, NewerMinorIsRefusedBeforeLoading) {
  install({"newer-minor"});
  expect_doctor("newer-minor", "incompatible",
                "built for plugin API 1.99, this host has API 1.0: the plugin needs a newer host (API 1.99 or later)");
  EXPECT_FALSE(ran("newer-minor"));
}

TEST_F(PluginContract, OtherMajorIsRefusedBeforeLoading) {
  install({"other-major"});
  expect_doctor("other-major", "incompatible",
                "built for plugin API 2.0, this host has API 1.0: the major versions differ (rebuild the plugin against SDK 1.x)");
  EXPECT_FALSE(ran("other-major"));
}

TEST_F(PluginContract, OtherAbiTagIsRefusedBeforeLoading) {
  install({"other-abi"});
  expect_doctor("other-abi", "incompatible",
                "built with C++ ABI 'clang/libc++', this host uses '" + kHostAbi +
                    "' (rebuild the plugin with the host's compiler and standard library)");
  EXPECT_FALSE(ran("other-abi"));
}

TEST_F(PluginContract, NoManifestSectionIsRefusedBeforeLoading) {
  install({"no-manifest"});
  expect_doctor("fixture-no-manifest", "no-manifest",
                "no .spackext_manifest section: not a spack-ext plugin (build it with spackext_add_plugin)");
  EXPECT_FALSE(ran("no-manifest"));
}

TEST_F(PluginContract, MalformedManifestJsonIsRefusedBeforeLoading) {
  install({"malformed-manifest"});
  expect_doctor("fixture-malformed-manifest", "bad-manifest", "manifest is not valid JSON (byte ");
  EXPECT_FALSE(ran("malformed-manifest"));
}

TEST_F(PluginContract, GarbageFileIsRefused) {
  install({"garbage"});
  expect_doctor("fixture-garbage", "bad-file", "not an ELF file");
}

TEST_F(PluginContract, TruncatedLibraryIsRefusedBeforeLoading) {
  install({"truncated"});
  expect_doctor("fixture-truncated", "bad-file", "truncated file: its ELF headers end at byte ");
  EXPECT_FALSE(ran("good")) << "the truncated copy of 'good' must not run";
}

TEST_F(PluginContract, MissingEntryPointIsReported) {
  install({"missing-entry"});
  expect_doctor("missing-entry", "load-failed",
                "missing entry point 'spackext_register_v1' (declare the plugin class with SPACKEXT_PLUGIN)");
}

TEST_F(PluginContract, ThrowingRegistrationIsIsolated) {
  install({"register-throws", "good"});
  expect_doctor("register-throws", "init-failed", "registration failed: fixture refuses to register");
  // What it registered before throwing is gone; the other plugin still works.
  auto r = host({"register-throws"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("which failed: init-failed: registration failed: fixture refuses to register"),
            std::string::npos) << r.err;
  auto good = host({"good"});
  EXPECT_EQ(good.exit_code, 0) << good.err;
}

// A class that is not a spackext::Command registered under kind "command":
// on main the host cast it and called run() on it (undefined behaviour).
TEST_F(PluginContract, ServiceOfAnotherTypeUnderAnSdkKindIsRefused) {
  install({"command-impostor"});
  auto r = host({"command-impostor"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("plugin 'command-impostor' registers command service 'command-impostor' as "),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("but kind 'command' is spackext::Command (from the host)"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("ran"), std::string::npos) << r.out;
  expect_doctor("command-impostor", "init-failed", "registration failed: plugin 'command-impostor' registers");
}

// Two third-party plugins that disagree on what kind "fixture-shared" is:
// the second is refused with both named.
TEST_F(PluginContract, TwoPluginsDisagreeingOnAKindAreBothNamed) {
  install({"shared-kind-v1", "shared-kind-v2"});
  auto r = host({"shared-kind-v2"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("plugin 'shared-kind-v2' registers fixture-shared service 'v2'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(from plugin 'shared-kind-v1')"), std::string::npos) << r.err;
  auto v1 = host({"shared-kind-v1"});
  EXPECT_EQ(v1.exit_code, 0) << v1.err;
}

// A register function that looks a service up (lazily loading 'good'),
// registers its command, then throws. On main the nested load reset the
// "current owner" to the host, so the command survived the failed
// registration and ran.
TEST_F(PluginContract, RegistrationAfterANestedLoadIsRolledBackWithItsPlugin) {
  install({"lookup-then-throws", "good"});
  auto r = host({"lookup-then-throws"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out, "") << "the command of a plugin whose registration failed must not run";
  EXPECT_NE(r.err.find("init-failed: registration failed: fixture refuses to register"), std::string::npos)
      << r.err;
  EXPECT_TRUE(ran("good"));
  auto good = host({"good"});
  EXPECT_EQ(good.exit_code, 0) << good.err;
}

TEST_F(PluginContract, MissingDependencyIsRefusedBeforeLoading) {
  install({"missing-dependency"});
  expect_doctor("missing-dependency", "unresolved",
                "requires plugin 'no-such-plugin' (>=1.0.0), which is not installed");
  EXPECT_FALSE(ran("missing-dependency"));
}

TEST_F(PluginContract, DependencyVersionOutOfRangeIsRefused) {
  install({"good", "needs-newer-good"});
  expect_doctor("needs-newer-good", "unresolved",
                "requires plugin 'good' >=2.0.0, found version 1.0.0 at " + plugin_file("good").string());
  EXPECT_FALSE(ran("needs-newer-good"));
}

TEST_F(PluginContract, DependencyCycleIsRefusedWithTheCycleNamed) {
  install({"cycle-a", "cycle-b"});
  expect_doctor("cycle-a", "unresolved", "dependency cycle: cycle-a -> cycle-b -> cycle-a");
  expect_doctor("cycle-b", "unresolved", "dependency cycle: cycle-a -> cycle-b -> cycle-a");
  EXPECT_FALSE(ran("cycle-a"));
  EXPECT_FALSE(ran("cycle-b"));
}

TEST_F(PluginContract, DuplicateNameResolvedByPriority) {
  install({"dup-low", "dup-high"});
  auto list = host({"plugin", "list"});
  EXPECT_NE(list.out.find("shadowed by " + plugin_file("dup-high").string() + " (priority 10 > 5)"),
            std::string::npos) << list.out;
  expect_doctor("dup", "shadowed", "shadowed by " + plugin_file("dup-high").string() + " (priority 10 > 5)");
  EXPECT_FALSE(ran("dup-low"));
  auto r = host({"dup"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(ran("dup-high"));
  EXPECT_FALSE(ran("dup-low"));
}

TEST_F(PluginContract, GroupWritableFileIsRefusedUnlessAllowed) {
  install({"good"});
  fs::permissions(plugin_file("good"), fs::perms(0775));
  expect_doctor("fixture-good", "untrusted", "file is writable by group or others (mode 0775)");
  EXPECT_FALSE(ran("good"));
  auto allowed = host({"good"}, {{"SPACK_EXT_ALLOW_INSECURE_PLUGINS", "1"}});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_TRUE(ran("good"));
}

TEST_F(PluginContract, WorldWritableFolderIsRefused) {
  install({"good"});
  fs::permissions(plugins_, fs::perms(0777));
  expect_doctor("fixture-good", "untrusted",
                "folder " + plugins_.string() + " is writable by group or others (mode 0777)");
  EXPECT_FALSE(ran("good"));
}

TEST_F(PluginContract, CommandOfUnusablePluginExplainsWhy) {
  install({"other-major"});
  auto r = host({"other-major"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("command 'other-major' is provided by plugin 'other-major'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("which cannot be used: incompatible"), std::string::npos) << r.err;
}

TEST_F(PluginContract, ManifestCacheIsInvalidatedWhenTheFileChanges) {
  install({"good"});
  EXPECT_EQ(list_records()["good"]["state"], "available");
  auto cache_dir = home_ / ".cache/spack-ext";
  ASSERT_TRUE(fs::exists(cache_dir));
  ASSERT_FALSE(fs::is_empty(cache_dir)) << "the manifest cache was not written";
  // Same path, other content (different size): must be read again.
  fs::copy_file(fs::path(SPACKEXT_CONTRACT_FIXTURE_DIR) / "fixture-other-major.so", plugin_file("good"),
                fs::copy_options::overwrite_existing);
  auto records = list_records();
  ASSERT_TRUE(records.count("other-major")) << "stale cache entry used";
  EXPECT_EQ(records["other-major"]["state"], "incompatible");
}

TEST_F(PluginContract, DoctorIsCleanWhenEverythingLoads) {
  install({"good", "needs-good"});
  auto r = host({"plugin", "doctor"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("2 plugin(s) checked, 2 loaded, 0 not loaded."), std::string::npos) << r.out;
}

}  // namespace
