// Help, usage errors, completion and man pages, all answered by the host
// from the command models in the manifests (the example `hello` plugin and
// the built-in commands), checked with the real bash and groff.
#include <nlohmann/json.hpp>

#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
using spackext::testing::RunResult;
using spackext::testing::TempDir;

class CommandModelCli : public ::testing::Test {
 protected:
  RunResult host(const std::vector<std::string>& args) { return spackext::testing::run_host(args, home_.path()); }
  TempDir home_{"spackext-command-model"};
};

TEST_F(CommandModelCli, HelpAtEveryLevelExitsZero) {
  for (auto args : std::vector<std::vector<std::string>>{
           {"hello", "--help"}, {"hello", "-h"}, {"help", "hello"}, {"plugin", "--help"}, {"plugin", "info", "-h"},
           {"help", "plugin", "info"}, {"completion", "--help"}, {"buildcache", "sync", "--help"},
           {"buildcache", "keys", "export", "-h"}, {"deploy", "--help"}, {"config", "template", "create", "--help"}}) {
    auto r = host(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args[1] << "\n" << r.err;
    EXPECT_EQ(r.out.rfind("usage: spack-ext ", 0), 0u) << r.out;
  }
  auto r = host({"plugin", "info", "--help"});
  EXPECT_NE(r.out.find("usage: spack-ext plugin info NAME"), std::string::npos) << r.out;
  auto sync = host({"buildcache", "sync", "--help"});
  EXPECT_NE(sync.out.find("usage: spack-ext buildcache sync [options] SRC DST"), std::string::npos) << sync.out;
  EXPECT_NE(sync.out.find("--skip-broken"), std::string::npos) << sync.out;
}

TEST_F(CommandModelCli, UsageErrorsShowThatSubcommandsUsage) {
  auto r = host({"hello", "a", "b"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unexpected argument 'b'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("usage: spack-ext hello [NAME]"), std::string::npos) << r.err;
  auto c = host({"completion", "fish"});
  EXPECT_EQ(c.exit_code, 2);
  EXPECT_NE(c.err.find("unknown subcommand 'fish'"), std::string::npos) << c.err;
  auto h = host({"help", "plugin", "nosuch"});
  EXPECT_EQ(h.exit_code, 2);
}

TEST_F(CommandModelCli, ParsedArgumentsReachThePlugin) {
  auto r = host({"hello", "bob"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Hello, bob!\n");
}

TEST_F(CommandModelCli, HelpJsonCarriesEveryModel) {
  auto r = host({"--json", "help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto all = nlohmann::json::parse(r.out);
  bool saw_hello = false;
  for (const auto& c : all) {
    EXPECT_TRUE(c.contains("provider"));
    if (c["name"] == "hello") {
      saw_hello = true;
      EXPECT_EQ(c["positionals"][0]["name"], "NAME");
    }
  }
  EXPECT_TRUE(saw_hello);
  auto one = nlohmann::json::parse(host({"--json", "help", "plugin", "info"}).out);
  EXPECT_EQ(one["command"], "plugin info");
  EXPECT_EQ(one["usage"], "usage: spack-ext plugin info NAME");
}

// Real bash: source the script, complete a few command lines.
std::string complete(const fs::path& home, const std::string& line_words, int cword) {
  const std::string script =
      "source <(\"$SPACKEXT_HOST\" completion bash)\n"
      "COMP_WORDS=(" + line_words + "); COMP_CWORD=" + std::to_string(cword) + "\n"
      "_spack_ext\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
  auto r = spackext::testing::run(
      {"/bin/bash", "-c", script},
      {.env = {{"SPACKEXT_HOST", spackext::testing::host_binary().string()},
               {"PATH", spackext::testing::host_binary().parent_path().string() + ":/usr/bin:/bin"},
               {"HOME", home.string()},
               {"XDG_CACHE_HOME", (home / ".cache").string()}},
       .unset_env = {"SPACK_EXT_PLUGIN_PATH"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST_F(CommandModelCli, BashCompletesCommandsSubcommandsAndOptionsFromManifests) {
  if (!fs::exists("/bin/bash")) GTEST_SKIP() << "bash not installed";
  EXPECT_EQ(complete(home_.path(), "spack-ext hel", 1), "hello\nhelp\n");
  EXPECT_EQ(complete(home_.path(), "spack-ext plugin d", 2), "doctor\n");
  EXPECT_EQ(complete(home_.path(), "spack-ext completion ''", 2), "bash\nzsh\n");
  EXPECT_EQ(complete(home_.path(), "spack-ext --json plugin info --h", 4), "--help\n");
  EXPECT_EQ(complete(home_.path(), "spack-ext help pl", 2), "plugin\n");
}

TEST_F(CommandModelCli, ManPagesAreValidRoffForEveryCommand) {
  auto r = host({"__man", (home_ / "man").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* page : {"spack-ext.1", "spack-ext-hello.1", "spack-ext-plugin.1", "spack-ext-completion.1"})
    EXPECT_TRUE(fs::exists(home_ / "man" / page)) << page;
  const std::string text = spackext::testing::read_file(home_ / "man" / "spack-ext-plugin.1");
  EXPECT_NE(text.find(".SS plugin info"), std::string::npos) << text;
  if (!fs::exists("/usr/bin/groff")) GTEST_SKIP() << "groff not installed: pages written but not checked";
  for (const auto& entry : fs::directory_iterator(home_ / "man")) {
    auto g = spackext::testing::run({"/usr/bin/groff", "-man", "-Tutf8", "-ww", "-z", entry.path().string()});
    EXPECT_EQ(g.exit_code, 0) << entry.path();
    EXPECT_EQ(g.err, "") << entry.path();
  }
}

}  // namespace
