// Progress bars are drawn on a terminal and nowhere else: the same command
// run under a pseudo-terminal (util-linux `script`) and through a pipe.
#include <nlohmann/json.hpp>

#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
using spackext::testing::TempDir;

class Progress : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(plugins_);
    fs::permissions(plugins_, fs::perms(0755));
    fs::copy_file(fs::path(SPACKEXT_CONTRACT_FIXTURE_DIR) / "fixture-good.so", plugins_ / "fixture-good.so");
    env_ = {{"SPACK_EXT_SYSTEM_PLUGIN_PATH", plugins_.string()}};
  }
  TempDir home_{"spackext-progress"};
  fs::path plugins_ = home_ / "plugins";
  std::map<std::string, std::string> env_;
};

TEST_F(Progress, BarsOnATerminal) {
  if (!fs::exists("/usr/bin/script")) GTEST_SKIP() << "util-linux 'script' is not installed";
  std::string cmd = spackext::testing::host_binary().string() + " good --progress 10";
  spackext::testing::RunOptions options;
  options.env = env_;
  options.env["HOME"] = home_.path().string();
  options.env["XDG_CACHE_HOME"] = (home_ / ".cache").string();
  options.env["COLUMNS"] = "100";
  auto r = spackext::testing::run({"/usr/bin/script", "-qfec", cmd, "/dev/null"}, options);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // Terminal output: stdout and stderr both come through the pty.
  EXPECT_NE(r.out.find("fixture work ["), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("100% 10 steps/10 steps"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("good ran"), std::string::npos) << r.out;
}

TEST_F(Progress, SilentInPipesButInTheEventLog) {
  auto events = home_ / "events.jsonl";
  auto r = spackext::testing::run_host({"--events", events.string(), "good", "--progress", "5"}, home_.path(),
                                       {.env = env_});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "good ran\n");
  EXPECT_EQ(r.err, "") << "nothing may be drawn into a pipe";
  std::vector<std::string> topics;
  std::istringstream lines(spackext::testing::read_file(events));
  for (std::string line; std::getline(lines, line);) topics.push_back(nlohmann::json::parse(line)["topic"]);
  ASSERT_GE(topics.size(), 3u);
  EXPECT_EQ(topics.front(), "progress.started");
  EXPECT_EQ(topics.back(), "progress.finished");
}

TEST_F(Progress, QuietAndJsonSuppressBarsOnATerminal) {
  if (!fs::exists("/usr/bin/script")) GTEST_SKIP() << "util-linux 'script' is not installed";
  std::string cmd = spackext::testing::host_binary().string() + " -q good --progress 3";
  spackext::testing::RunOptions options;
  options.env = env_;
  options.env["HOME"] = home_.path().string();
  options.env["XDG_CACHE_HOME"] = (home_ / ".cache").string();
  auto r = spackext::testing::run({"/usr/bin/script", "-qfec", cmd, "/dev/null"}, options);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.find("fixture work ["), std::string::npos) << r.out;
}

}  // namespace
