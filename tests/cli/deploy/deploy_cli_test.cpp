// `spack-ext deploy` through the real host: run/status/list/plan, bad input,
// and killing the host (kill -9 and SIGTERM) mid-run, then resuming.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "spackext_testing/testing.hpp"

namespace fs = std::filesystem;
using spackext::testing::read_file;
using spackext::testing::run_host;
using spackext::testing::TempDir;
using spackext::testing::write_file;

extern char** environ;

namespace {

class DeployCli : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(tmp / "work"); }
  spackext::testing::RunResult host(std::vector<std::string> args) {
    args.push_back("--state-db");
    args.push_back(db().string());
    return run_host(args, tmp.path());
  }
  fs::path db() const { return tmp / "state.db"; }
  fs::path config(const std::string& stages) {
    write_file(tmp / "deploy.yaml", "deployment: {name: cli, base_path: work}\nstages:\n" + stages);
    return tmp / "deploy.yaml";
  }
  nlohmann::json status(const std::string& id) {
    auto r = host({"deploy", "status", id, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }
  std::map<std::string, nlohmann::json> nodes(const std::string& id) {
    std::map<std::string, nlohmann::json> out;
    auto s = status(id);
    for (auto& n : s["nodes"]) out[n["node"].get<std::string>()] = n;
    return out;
  }
  // Starts the host without waiting; its output goes to files in tmp.
  pid_t start_host(const std::vector<std::string>& args) {
    std::vector<std::string> argv{spackext::testing::host_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--state-db");
    argv.push_back(db().string());
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      std::string kv(*e);
      if (kv.rfind("HOME=", 0) == 0 || kv.rfind("XDG_", 0) == 0 || kv.rfind("SPACK_EXT_", 0) == 0) continue;
      env.push_back(kv);
    }
    env.push_back("HOME=" + tmp.path().string());
    env.push_back("XDG_STATE_HOME=" + (tmp / ".local/state").string());
    std::vector<char*> a, e;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    for (auto& s : env) e.push_back(s.data());
    e.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, (tmp / "host.out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, (tmp / "host.err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, a[0], &fa, nullptr, a.data(), e.data());
    posix_spawn_file_actions_destroy(&fa);
    EXPECT_EQ(rc, 0);
    return pid;
  }
  bool wait_for_file(const fs::path& p) {
    for (int i = 0; i < 1500; ++i) {
      if (fs::exists(p) && !read_file(p).empty()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  static bool alive(pid_t pid) { return ::kill(pid, 0) == 0 && !zombie(pid); }
  static bool zombie(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = s.rfind(')');
    return close != std::string::npos && close + 2 < s.size() && s[close + 2] == 'Z';
  }
  static bool wait_gone(pid_t pid) {
    for (int i = 0; i < 500; ++i) {
      if (!alive(pid)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  TempDir tmp;
};

}  // namespace

TEST_F(DeployCli, RunStatusList) {
  auto cfg = config(R"(  - {name: a, run: ["echo a >> runs.txt"]}
  - {name: b, depends: [a], run: ["echo b >> runs.txt"], matrix: {apps: [x, y]}}
)");
  auto r = host({"deploy", "run", "--config", cfg.string(), "--jobs", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("deployment 1: succeeded (3 succeeded"), std::string::npos) << r.out;
  auto s = status("1");
  EXPECT_EQ(s["status"], "succeeded");
  EXPECT_EQ(s["nodes"].size(), 3u);
  EXPECT_EQ(s["attempts"].size(), 3u);
  auto l = host({"deploy", "list"});
  EXPECT_EQ(l.exit_code, 0);
  EXPECT_NE(l.out.find("cli"), std::string::npos);
  auto plain = host({"deploy", "status"});
  EXPECT_NE(plain.out.find("deployment 1 (cli): succeeded"), std::string::npos) << plain.out;
}

TEST_F(DeployCli, DryRunPrintsThePlanAndRecordsNothing) {
  auto cfg = config(R"(  - {name: a, run: ["touch ran"], estimate: 10}
  - {name: b, depends: [a], run: ["touch ran"], estimate: 5}
)");
  auto r = host({"deploy", "run", "--config", cfg.string(), "--dry-run", "--jobs", "4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(r.out.find(" a\n"), r.out.find(" b\n")) << r.out;
  EXPECT_NE(r.out.find("estimated makespan: 15.0 min"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(tmp / "work" / "ran"));
  EXPECT_FALSE(fs::exists(db()));
}

// Commands that continue or read a recorded deployment: with nothing
// recorded they are errors, and they leave no new empty database behind.
TEST_F(DeployCli, ResumeAndRollbackWithNothingRecorded) {
  for (const char* sub : {"resume", "rollback", "status"}) {
    auto r = host({"deploy", sub, "1"});
    EXPECT_EQ(r.exit_code, 2) << sub << ": " << r.err;
    EXPECT_NE(r.err.find("no deployments recorded"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(db())) << sub;
  }
}

TEST_F(DeployCli, PlanOfTheStackFixture) {
  SPACKEXT_REQUIRE_FIXTURE(stack, "fixtures/deploy/stack-516.json");
  auto r = host({"deploy", "plan", "--graph", stack.string(), "--workers", "64", "--tiered", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_LE(j["makespan_min"].get<double>(), 148.2 + 0.05);  // README: critical-path list scheduling, W=64
  EXPECT_NEAR(j["tiered"]["makespan_min"].get<double>(), 211.1, 0.1);  // README: tiers with barriers
  EXPECT_EQ(j["critical_path"][0], "gcc@14.2");
}

TEST_F(DeployCli, BadInput) {
  write_file(tmp / "bad.yaml", "deployment: {name: x}\nstages:\n  - {name: a, run: [true], depends: [ghost]}\n");
  auto r = host({"deploy", "run", "--config", (tmp / "bad.yaml").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.yaml:3: stage 'a' depends on unknown stage 'ghost'"), std::string::npos) << r.err;

  write_file(tmp / "broken.yaml", "deployment: {name: x\n");
  r = host({"deploy", "run", "--config", (tmp / "broken.yaml").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("broken.yaml:"), std::string::npos) << r.err;

  r = host({"deploy", "run"});
  EXPECT_EQ(r.exit_code, 2) << r.err;

  auto cfg = config("  - {name: a, run: [true]}\n");
  r = host({"deploy", "run", "--config", cfg.string(), "--executor", "nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(db()) && host({"deploy", "list"}).out.find("cli") != std::string::npos);

  r = host({"deploy", "status", "42"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = host({"deploy", "frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(DeployCli, FailingStageExitsOneAndIsRecorded) {
  auto cfg = config(R"(  - {name: a, run: ["echo oops >&2; exit 3"]}
  - {name: b, depends: [a], run: [true]}
)");
  auto r = host({"deploy", "run", "--config", cfg.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("deploy resume 1"), std::string::npos) << r.err;
  auto n = nodes("1");
  EXPECT_EQ(n["a"]["state"], "failed");
  EXPECT_EQ(n["a"]["exit_code"], 3);
  EXPECT_EQ(read_file(n["a"]["log"].get<std::string>()), "oops\n");
  EXPECT_EQ(n["b"]["state"], "skipped");
}

TEST_F(DeployCli, KillNineMidRunThenResume) {
  // b runs until the test lets it finish, after the host was killed.
  auto cfg = config(R"(  - {name: a, run: ["echo a >> runs.txt"]}
  - name: b
    depends: [a]
    run: ["echo b >> runs.txt", "echo $$ > b.pid", "while [ ! -f finish ]; do sleep 0.05; done"]
  - {name: c, depends: [b], run: ["echo c >> runs.txt"]}
)");
  pid_t host_pid = start_host({"deploy", "run", "--config", cfg.string()});
  ASSERT_TRUE(wait_for_file(tmp / "work" / "b.pid")) << read_file(tmp / "host.err");
  pid_t stage_pid = std::stoi(read_file(tmp / "work" / "b.pid"));
  ::kill(host_pid, SIGKILL);
  int st;
  ::waitpid(host_pid, &st, 0);
  ASSERT_TRUE(WIFSIGNALED(st));
  EXPECT_TRUE(alive(stage_pid));  // the stage outlives its host (own session)

  auto s = status("1");
  EXPECT_EQ(s["status"], "interrupted");
  auto n = nodes("1");
  EXPECT_EQ(n["a"]["state"], "succeeded");
  EXPECT_EQ(n["b"]["state"], "running");

  // The resume waits for the job the dead host left (stopping it could cut
  // one that has done its work), keeps its success, and runs the rest.
  pid_t resume_pid = start_host({"deploy", "resume", "1"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(alive(stage_pid)) << "the resume stopped a job it could have kept";
  write_file(tmp / "work" / "finish", "");
  ::waitpid(resume_pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << read_file(tmp / "host.err");
  EXPECT_EQ(read_file(tmp / "work" / "runs.txt"), "a\nb\nc\n");  // nothing ran twice
  n = nodes("1");
  EXPECT_EQ(n["b"]["attempts"], 1);
  EXPECT_EQ(n["b"]["detail"], "finished while its host was down");
  EXPECT_EQ(n["c"]["state"], "succeeded");
  EXPECT_EQ(status("1")["status"], "succeeded");
}

TEST_F(DeployCli, SigtermCancelsCleanly) {
  auto cfg = config(R"(  - {name: long, run: ["echo $$ > long.pid", "sleep 60"]}
  - {name: after, depends: [long], run: ["touch after"]}
)");
  pid_t host_pid = start_host({"deploy", "run", "--config", cfg.string()});
  ASSERT_TRUE(wait_for_file(tmp / "work" / "long.pid"));
  pid_t stage_pid = std::stoi(read_file(tmp / "work" / "long.pid"));
  ::kill(host_pid, SIGTERM);
  int st;
  ::waitpid(host_pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st)) << "host died of signal " << WTERMSIG(st);
  EXPECT_EQ(WEXITSTATUS(st), 130);
  EXPECT_TRUE(wait_gone(stage_pid));
  auto n = nodes("1");
  EXPECT_EQ(n["long"]["state"], "cancelled");
  EXPECT_EQ(n["after"]["state"], "pending");
  EXPECT_EQ(status("1")["status"], "cancelled");
  EXPECT_FALSE(fs::exists(tmp / "work" / "after"));
}

TEST_F(DeployCli, EventsLogRecordsDeployEvents) {
  auto cfg = config("  - {name: a, run: [true]}\n");
  auto r = run_host({"--events", (tmp / "events.jsonl").string(), "deploy", "run", "--config", cfg.string(),
                     "--state-db", db().string()},
                    tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto log = read_file(tmp / "events.jsonl");
  EXPECT_NE(log.find("\"deploy.started\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"deploy.stage.finished\""), std::string::npos);
  EXPECT_NE(log.find("\"deploy.finished\""), std::string::npos);
}

TEST_F(DeployCli, StagesSelectionAndRollback) {
  auto cfg = config(R"(  - {name: a, run: ["echo a >> runs.txt", "echo $SPACKEXT_DEPLOYMENT_ID > $SPACKEXT_ARTIFACTS/id"]}
  - {name: b, depends: [a], run: ["echo b >> runs.txt"]}
)");
  ASSERT_EQ(host({"deploy", "run", "--config", cfg.string()}).exit_code, 0);
  auto r = host({"deploy", "run", "--config", cfg.string(), "--stages", "b"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(tmp / "work" / "runs.txt"), "a\nb\nb\n");
  EXPECT_EQ(status("2")["nodes"].size(), 1u);
  EXPECT_EQ(host({"deploy", "run", "--config", cfg.string(), "--stages", "zzz"}).exit_code, 2);

  auto current = tmp / "work" / "artifacts" / "current";
  EXPECT_EQ(fs::read_symlink(current), fs::path("deployments/2"));
  r = host({"deploy", "rollback", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fs::read_symlink(current), fs::path("deployments/1"));
  EXPECT_EQ(read_file(current / "a" / "id"), "1\n");
  EXPECT_EQ(status("2")["status"], "rolled_back");
  r = host({"deploy", "rollback", "2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("rolled_back"), std::string::npos) << r.err;

  auto l = run_host({"deploy", "list", "--json", "--state-db", db().string()}, tmp.path());
  ASSERT_EQ(l.exit_code, 0) << l.err;
  auto j = nlohmann::json::parse(l.out);
  ASSERT_EQ(j.size(), 2u);  // the refused --stages zzz recorded nothing
  EXPECT_EQ(j[0]["status"], "succeeded");
  EXPECT_EQ(j[1]["status"], "rolled_back");
}

TEST_F(DeployCli, DryRunUsesRecordedDurations) {
  // The estimate says 100 minutes; after one real run the recorded duration
  // (well under a minute) is what the plan uses.
  auto cfg = config("  - {name: a, run: [true], estimate: 100}\n");
  auto before = host({"deploy", "run", "--config", cfg.string(), "--dry-run", "--json"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(before.out)["makespan_min"].get<double>(), 100.0);
  ASSERT_EQ(host({"deploy", "run", "--config", cfg.string()}).exit_code, 0);
  auto after = host({"deploy", "run", "--config", cfg.string(), "--dry-run", "--json"});
  EXPECT_LT(nlohmann::json::parse(after.out)["makespan_min"].get<double>(), 1.0);
}

TEST_F(DeployCli, PlanFromDeployYamlAndUsage) {
  // Two independent 10-minute chains of two nodes on one worker: 40 min; on two: 20.
  auto cfg = config(R"(  - {name: a, run: [true], estimate: 10, matrix: {apps: [x, y]}}
  - {name: b, depends: [a], run: [true], estimate: 10, matrix: {apps: [x, y]}}
)");
  auto one = host({"deploy", "plan", "--config", cfg.string(), "--workers", "1", "--json"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(one.out)["makespan_min"].get<double>(), 40.0);
  auto two = host({"deploy", "plan", "--config", cfg.string(), "--workers", "2"});
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_NE(two.out.find("makespan:         20.0 min"), std::string::npos) << two.out;
  EXPECT_NE(two.out.find("utilisation:      100.0 %"), std::string::npos) << two.out;
  EXPECT_EQ(host({"deploy", "plan", "--workers", "2"}).exit_code, 2);  // neither --config nor --graph
  EXPECT_EQ(run_host({"deploy"}, tmp.path()).exit_code, 2);
  auto help = run_host({"deploy", "--help"}, tmp.path());
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("deploy <subcommand>"), std::string::npos) << help.out << help.err;
}
