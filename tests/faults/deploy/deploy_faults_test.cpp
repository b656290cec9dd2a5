// Crash and concurrency campaigns for `deploy run` and `deploy resume`,
// through the real host and the local executor:
//   - kill -9 at a random moment of a run, and of a resume;
//   - kill right before each rename/unlink (tests/faults/kill_hook), in WAL
//     mode and with the rollback journal, whose unlinks are moments too;
//   - two resumes started at once.
// After each, the deployment is brought to its end (resume, or run again if
// the kill came before anything was recorded) and checked: consistent
// state, every stage completed exactly once, no two runs of a stage at
// once, and no stage signalled after its last start.
//
// Every stage runs record.sh, which appends "start"/"end" to a file per
// node, under a non-blocking flock (a second run at the same time appends
// "overlap"), and "TERM" when it is signalled.
//
// SPACKEXT_FAULT_TRIALS (default 3) sets the trials per campaign; the
// deterministic campaigns hit min(trials, moments) moments spread evenly.
// SPACKEXT_FAULT_SEED fixes the random delays (printed on failure).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "spackext_testing/junit_check.hpp"
#include "spackext_testing/testing.hpp"

namespace fs = std::filesystem;
using spackext::testing::read_file;
using spackext::testing::TempDir;
using spackext::testing::write_file;

extern char** environ;

namespace {

int trials() {
  const char* v = std::getenv("SPACKEXT_FAULT_TRIALS");
  return v && *v ? std::max(1, std::atoi(v)) : 3;
}

unsigned seed() {
  static const unsigned s = [] {
    const char* v = std::getenv("SPACKEXT_FAULT_SEED");
    return v && *v ? static_cast<unsigned>(std::strtoul(v, nullptr, 10)) : std::random_device{}();
  }();
  return s;
}

// `count` of the moments 1..total, spread evenly (all of them if count >= total).
std::vector<int> spread(int total, int count) {
  std::vector<int> out;
  if (total <= 0) return out;
  if (count >= total) {
    for (int i = 1; i <= total; ++i) out.push_back(i);
    return out;
  }
  for (int i = 0; i < count; ++i) out.push_back(1 + static_cast<int>((static_cast<long>(i) * total) / count));
  out.back() = total;  // the last moment (publishing / closing) is always one of them
  return out;
}

constexpr const char* kRecorder = R"SH(#!/bin/sh
# record.sh NODE SECONDS: one run of a stage, recorded in runs/<node>.
f="$RUNS/$(printf '%s' "$1" | tr / _)"
exec 9>>"$f.lock"
if ! flock -n 9; then echo overlap >> "$f"; exit 1; fi
trap 'echo TERM >> "$f"; exit 143' TERM
echo start >> "$f"
sleep "$2" &
wait $!
echo end >> "$f"
)SH";

// One deployment in a private folder, driven through the real host.
class Scenario {
 public:
  explicit Scenario(double stage_seconds = 0.05) {
    fs::create_directories(tmp_ / "work");
    fs::create_directories(runs());
    write_file(tmp_ / "record.sh", kRecorder);
    const std::string rec = "sh " + (tmp_ / "record.sh").string() + " \"$SPACKEXT_NODE\" " +
                            std::to_string(stage_seconds);
    write_file(config(), "deployment: {name: faults, base_path: work}\nstages:\n"
                         "  - {name: a, matrix: {apps: [x, y, z]}, run: ['" + rec + "']}\n"
                         "  - {name: b, depends: [a], matrix: {apps: [x, y, z]}, run: ['" + rec + "']}\n"
                         "  - {name: c, depends: [b], run: ['" + rec + "']}\n");
  }
  static constexpr int kNodes = 7;

  fs::path config() const { return tmp_ / "deploy.yaml"; }
  fs::path db() const { return tmp_ / "state" / "deploy.db"; }
  fs::path runs() const { return tmp_ / "runs"; }
  const fs::path& root() const { return tmp_.path(); }
  std::map<std::string, std::string> env;  // added to every host run (e.g. the journal setting)

  std::vector<std::string> run_args() const {
    return {"deploy", "run", "--config", config().string(), "--jobs", "3", "--state-db", db().string()};
  }
  std::vector<std::string> resume_args() const {
    return {"deploy", "resume", "1", "--state-db", db().string()};
  }

  // Starts the host without waiting; stdout/stderr go to files named by `tag`.
  pid_t start(const std::vector<std::string>& args, const std::string& tag,
              const std::map<std::string, std::string>& extra = {}) {
    std::vector<std::string> argv{spackext::testing::host_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::map<std::string, std::string> vars;
    for (char** e = environ; *e; ++e) {
      std::string kv(*e);
      auto eq = kv.find('=');
      if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (auto it = vars.begin(); it != vars.end();)
      it = it->first.rfind("SPACK_EXT_", 0) == 0 || it->first.rfind("XDG_", 0) == 0 ? vars.erase(it) : std::next(it);
    vars["HOME"] = tmp_.path().string();
    vars["XDG_STATE_HOME"] = (tmp_ / ".local/state").string();
    vars["XDG_CACHE_HOME"] = (tmp_ / ".cache").string();
    vars["XDG_CONFIG_HOME"] = (tmp_ / ".config").string();
    vars["SPACK_EXT_SITE_DIR"] = (tmp_ / "site").string();
    vars["RUNS"] = runs().string();
    for (const auto& [k, v] : env) vars[k] = v;
    for (const auto& [k, v] : extra) vars[k] = v;
    std::vector<std::string> envs;
    for (const auto& [k, v] : vars) envs.push_back(k + "=" + v);
    std::vector<char*> a, e;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    for (auto& s : envs) e.push_back(s.data());
    e.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, (tmp_ / (tag + ".out")).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, (tmp_ / (tag + ".err")).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, a[0], &fa, nullptr, a.data(), e.data());
    posix_spawn_file_actions_destroy(&fa);
    EXPECT_EQ(rc, 0);
    return pid;
  }
  // Waits for a host started by start(); its exit code, or 128+signal.
  static int wait(pid_t pid) {
    int st = 0;
    ::waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
  int host(const std::vector<std::string>& args, const std::string& tag,
           const std::map<std::string, std::string>& extra = {}) {
    return wait(start(args, tag, extra));
  }
  std::string log(const std::string& tag) const { return read_file(tmp_ / (tag + ".err")); }

  // `deploy status 1 --json`, or null if nothing is recorded yet.
  nlohmann::json status() {
    int rc = host({"deploy", "status", "1", "--json", "--state-db", db().string()}, "status");
    if (rc != 0) return nullptr;
    return nlohmann::json::parse(read_file(tmp_ / "status.out"), nullptr, false);
  }

  // Brings the deployment to its end after a crash: resume it, or run it
  // again if the crash came before it was recorded.
  void settle() {
    for (int round = 0; round < 4; ++round) {
      auto s = status();
      if (!s.is_null() && s["status"] == "succeeded") return;
      int rc = s.is_null() ? host(run_args(), "settle") : host(resume_args(), "settle");
      ASSERT_TRUE(rc == 0 || rc == 1) << "settling exited " << rc << ": " << log("settle");
    }
    FAIL() << "the deployment did not succeed after 4 rounds: " << log("settle");
  }

  // The invariants every campaign checks at the end.
  void check(const std::string& trial) {
    SCOPED_TRACE(trial + " (seed " + std::to_string(seed()) + ", folder kept in the message)");
    auto s = status();
    ASSERT_FALSE(s.is_null()) << log("status");
    EXPECT_EQ(s["status"], "succeeded");
    ASSERT_EQ(s["nodes"].size(), static_cast<std::size_t>(kNodes));
    for (const auto& n : s["nodes"]) EXPECT_EQ(n["state"], "succeeded") << n.dump();
    // No attempt is left looking live.
    for (const auto& a : s["attempts"])
      EXPECT_TRUE(a["state"] != "running" && a["state"] != "submitting") << a.dump();
    // The published outputs are this deployment's.
    std::error_code ec;
    auto current = fs::read_symlink(tmp_ / "work" / "artifacts" / "current", ec);
    EXPECT_FALSE(ec) << "no current link";
    EXPECT_EQ(current, fs::path("deployments") / "1");
    // Every stage completed exactly once, never twice at a time, and was not
    // signalled after its last start.
    int files = 0;
    for (const auto& entry : fs::directory_iterator(runs())) {
      if (entry.path().extension() == ".lock") continue;
      ++files;
      std::vector<std::string> lines;
      std::istringstream in(read_file(entry.path()));
      for (std::string l; std::getline(in, l);) lines.push_back(l);
      auto ends = std::count(lines.begin(), lines.end(), "end");
      EXPECT_EQ(ends, 1) << entry.path().filename() << ": " << read_file(entry.path());
      EXPECT_EQ(std::count(lines.begin(), lines.end(), "overlap"), 0) << entry.path().filename();
      EXPECT_TRUE(!lines.empty() && lines.back() == "end") << entry.path().filename() << ": "
                                                            << read_file(entry.path());
    }
    EXPECT_EQ(files, kNodes);
  }

  // How many renames and unlinks a command makes (kill_hook's count file).
  int moments(const std::vector<std::string>& args) {
    auto counts = tmp_ / "moments.txt";
    int rc = host(args, "count", {{"LD_PRELOAD", spackext::testing::kill_hook_library().string()},
                                  {"SPACKEXT_KILL_COUNT_FILE", counts.string()}});
    EXPECT_EQ(rc, 0) << log("count");
    std::smatch m;
    auto text = read_file(counts);
    std::regex re("renames=(\\d+) unlinks=(\\d+)");
    if (!std::regex_search(text, m, re)) return 0;
    return std::stoi(m[1]) + std::stoi(m[2]);
  }

 private:
  TempDir tmp_{"spackext-deploy-faults"};
};

std::map<std::string, std::string> kill_before(int n) {
  return {{"LD_PRELOAD", spackext::testing::kill_hook_library().string()},
          {"SPACKEXT_KILL_BEFORE", "any:" + std::to_string(n)}};
}

// Fails a run on purpose: stage c needs a file that appears only later.
void make_c_fail_until_fixed(Scenario& s) {
  auto text = read_file(s.config());
  auto at = text.find("- {name: c, depends: [b], run: ['");
  ASSERT_NE(at, std::string::npos);
  text.insert(at + std::string("- {name: c, depends: [b], run: [").size(),
              "'test -f " + (s.root() / "fixed").string() + "', ");
  write_file(s.config(), text);
}

}  // namespace

TEST(DeployFaults, KillNineAtARandomMomentOfARun) {
  std::mt19937 rng(seed());
  for (int t = 0; t < trials(); ++t) {
    Scenario s;
    auto delay = std::uniform_int_distribution<int>(0, 1500)(rng);
    pid_t pid = s.start(s.run_args(), "run");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    ::kill(pid, SIGKILL);
    Scenario::wait(pid);
    s.settle();
    s.check("run killed after " + std::to_string(delay) + " ms");
    if (HasFailure()) return;
  }
}

TEST(DeployFaults, KillNineAtARandomMomentOfAResume) {
  std::mt19937 rng(seed() + 1);
  for (int t = 0; t < trials(); ++t) {
    Scenario s;
    make_c_fail_until_fixed(s);
    // A run that leaves work behind: killed mid-way, or failed at c.
    auto first = std::uniform_int_distribution<int>(0, 1200)(rng);
    pid_t pid = s.start(s.run_args(), "run");
    std::this_thread::sleep_for(std::chrono::milliseconds(first));
    ::kill(pid, SIGKILL);
    Scenario::wait(pid);
    if (s.status().is_null()) ASSERT_EQ(s.host(s.run_args(), "rerun"), 1) << s.log("rerun");
    write_file(s.root() / "fixed", "");
    auto delay = std::uniform_int_distribution<int>(0, 1500)(rng);
    pid = s.start(s.resume_args(), "resume");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    ::kill(pid, SIGKILL);
    Scenario::wait(pid);
    s.settle();
    s.check("run killed after " + std::to_string(first) + " ms, resume after " + std::to_string(delay) + " ms");
    if (HasFailure()) return;
  }
}

// Right before each rename/unlink of a run: with WAL (the default here) and
// with the rollback journal, where every transaction unlinks its journal.
void kill_before_each_moment_of_a_run(const std::map<std::string, std::string>& env) {
  int total = 0;
  {
    Scenario s;
    s.env = env;
    total = s.moments(s.run_args());
    s.check("uninterrupted run");
  }
  ASSERT_GT(total, 0);
  for (int n : spread(total, trials())) {
    Scenario s;
    s.env = env;
    int rc = s.host(s.run_args(), "run", kill_before(n));
    EXPECT_EQ(rc, 128 + SIGKILL) << "moment " << n << " of " << total << " was not reached: " << s.log("run");
    s.settle();
    s.check("run killed before moment " + std::to_string(n) + " of " + std::to_string(total));
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(DeployFaults, KillBeforeEachRenameOrUnlinkOfARun) { kill_before_each_moment_of_a_run({}); }

TEST(DeployFaults, KillBeforeEachRenameOrUnlinkOfARunWithARollbackJournal) {
  kill_before_each_moment_of_a_run({{"SPACK_EXT_DEPLOY__STATE_JOURNAL", "rollback"}});
}

TEST(DeployFaults, KillBeforeEachRenameOrUnlinkOfAResume) {
  const std::map<std::string, std::string> env{{"SPACK_EXT_DEPLOY__STATE_JOURNAL", "rollback"}};
  auto failed_run = [&](Scenario& s) {
    s.env = env;
    make_c_fail_until_fixed(s);
    ASSERT_EQ(s.host(s.run_args(), "run"), 1) << s.log("run");
    write_file(s.root() / "fixed", "");
  };
  int total = 0;
  {
    Scenario s;
    failed_run(s);
    total = s.moments(s.resume_args());
    s.check("uninterrupted resume");
  }
  ASSERT_GT(total, 0);
  for (int n : spread(total, trials())) {
    Scenario s;
    failed_run(s);
    int rc = s.host(s.resume_args(), "resume", kill_before(n));
    EXPECT_EQ(rc, 128 + SIGKILL) << "moment " << n << " of " << total << " was not reached: " << s.log("resume");
    s.settle();
    s.check("resume killed before moment " + std::to_string(n) + " of " + std::to_string(total));
    if (HasFailure()) return;
  }
}

// Two resumes at once, after the host was killed while stages ran: exactly
// one runs the rest; the other is refused before touching anything. (On
// main both found the host dead, both ran every stage, and each stopped the
// other's jobs.)
TEST(DeployFaults, TwoResumesAtOnce) {
  for (int t = 0; t < trials(); ++t) {
    Scenario s(0.6);
    pid_t pid = s.start(s.run_args(), "run");
    for (int i = 0; i < 1500 && !fs::exists(s.runs() / "a_x"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::kill(pid, SIGKILL);
    Scenario::wait(pid);
    pid_t one = s.start(s.resume_args(), "one");
    pid_t two = s.start(s.resume_args(), "two");
    int rc_one = Scenario::wait(one), rc_two = Scenario::wait(two);
    std::multiset<int> codes{rc_one, rc_two};
    EXPECT_EQ(codes, (std::multiset<int>{0, 1})) << "one: " << s.log("one") << "\ntwo: " << s.log("two");
    const std::string loser = rc_one == 1 ? s.log("one") : s.log("two");
    EXPECT_NE(loser.find("is still running (host process "), std::string::npos) << loser;
    s.check("two resumes, trial " + std::to_string(t + 1));
    if (HasFailure()) return;
  }
}

// artifacts.propagate: the host is killed right before it renames a
// stage's propagated file into the stage's config scope. Nothing half-made
// is visible, the dependent has not started, the stage is not recorded done;
// a resume publishes the file, records it with the stage's success, and runs
// the dependent, which sees it through $SPACKEXT_SCOPES.
TEST(DeployFaults, KillBeforePublishingAPropagatedFileThenResume) {
  Scenario s;
  write_file(s.config(),
             "deployment: {name: faults, base_path: work}\nstages:\n"
             "  - {name: compilers, run: ['printf \"compilers: []\\n\" > $SPACKEXT_ARTIFACTS/compilers.yaml']}\n"
             "  - {name: apps, depends: [compilers], run: ['cat $SPACKEXT_SCOPES/compilers.yaml > seen']}\n"
             "artifacts: {propagate: [compilers.yaml]}\n");
  const fs::path scope = s.root() / "work" / "artifacts" / "deployments" / "1" / "scopes" / "compilers";
  int rc = s.host(s.run_args(), "run",
                  {{"LD_PRELOAD", spackext::testing::kill_hook_library().string()},
                   {"SPACKEXT_KILL_BEFORE", "rename:1"},
                   {"SPACKEXT_KILL_MATCH", scope.string()}});
  ASSERT_EQ(rc, 128 + SIGKILL) << "the rename into the scope was not reached: " << s.log("run");
  EXPECT_FALSE(fs::exists(scope / "compilers.yaml"));
  EXPECT_FALSE(fs::exists(s.root() / "work" / "seen")) << "the dependent started";
  auto before = s.status();
  ASSERT_FALSE(before.is_null()) << s.log("status");
  for (const auto& n : before["nodes"]) {
    if (n["node"] == "compilers") EXPECT_NE(n["state"], "succeeded") << n.dump();
    if (n["node"] == "apps") EXPECT_EQ(n["state"], "pending") << n.dump();
  }

  rc = s.host(s.resume_args(), "resume");
  ASSERT_EQ(rc, 0) << s.log("resume");
  EXPECT_EQ(read_file(scope / "compilers.yaml"), "compilers: []\n");
  EXPECT_EQ(read_file(s.root() / "work" / "seen"), "compilers: []\n");
  for (const auto& e : fs::directory_iterator(scope))
    EXPECT_EQ(e.path().filename(), "compilers.yaml") << "left over: " << e.path();
  auto after = s.status();
  bool recorded = false;
  for (const auto& a : after["artifacts"]) recorded |= a["path"] == (scope / "compilers.yaml").string();
  EXPECT_TRUE(recorded) << after["artifacts"].dump();
  for (const auto& n : after["nodes"]) EXPECT_EQ(n["state"], "succeeded") << n.dump();
}

// The JUnit report: the host is killed right before it renames the report
// into place. No report, not even half of one, is there and the deployment
// is not finished; a resume runs nothing again and writes the whole report.
TEST(DeployFaults, KillBeforeRenamingTheJunitReportThenResume) {
  Scenario s;
  write_file(s.config(),
             "deployment: {name: faults, base_path: work}\nstages:\n"
             "  - {name: build, run: ['echo build >> runs']}\n"
             "tests:\n"
             "  - {name: check, depends: [build], matrix: {apps: [x, y]}, run: ['echo {app} >> runs']}\n");
  const fs::path report = s.root() / "work" / "artifacts" / "deployments" / "1" / "junit.xml";
  int rc = s.host(s.run_args(), "run",
                  {{"LD_PRELOAD", spackext::testing::kill_hook_library().string()},
                   {"SPACKEXT_KILL_BEFORE", "rename:1"},
                   {"SPACKEXT_KILL_MATCH", report.string()}});
  ASSERT_EQ(rc, 128 + SIGKILL) << "the rename of the report was not reached: " << s.log("run");
  EXPECT_FALSE(fs::exists(report));
  auto before = s.status();
  ASSERT_FALSE(before.is_null()) << s.log("status");
  EXPECT_NE(before["status"], "succeeded") << before.dump();

  rc = s.host(s.resume_args(), "resume");
  ASSERT_EQ(rc, 0) << s.log("resume");
  std::multiset<std::string> ran;
  std::istringstream lines(read_file(s.root() / "work" / "runs"));
  for (std::string l; std::getline(lines, l);) ran.insert(l);
  EXPECT_EQ(ran, (std::multiset<std::string>{"build", "x", "y"})) << "a stage ran twice, or not at all";
  auto seen = spackext::testing::read_junit(report);
  EXPECT_EQ(seen.tests, 2);
  EXPECT_EQ(seen.failures + seen.errors + seen.skipped, 0);
  for (const auto& e : fs::directory_iterator(report.parent_path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << "left over: " << e.path();
  EXPECT_EQ(s.status()["status"], "succeeded");
}
