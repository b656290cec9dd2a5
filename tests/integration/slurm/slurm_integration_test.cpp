// Real Slurm jobs: a private single-node cluster (slurmctld, slurmd and a
// munged of its own) started by tests/services/slurm/start.sh in the test's
// temp folder. Skips, naming what is missing, without Slurm or root.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <cstdlib>
#include <thread>

#include <nlohmann/json.hpp>

#include "deploy_spec.hpp"
#include "deployment_runner.hpp"
#include "slurm_executor.hpp"
#include "command_runner.hpp"
#include "spackext_testing/junit_check.hpp"
#include "spackext/errors.hpp"
#include "spackext_testing/testing.hpp"

namespace sd = spackext::deploy;
namespace fs = std::filesystem;
using spackext::JobState;
using spackext::executors::run_command;
using spackext::executors::SlurmExecutor;
using spackext::testing::read_file;
using spackext::testing::TempDir;
using spackext::testing::write_file;

namespace {

const char* missing_requirement() {
  if (::geteuid() != 0) return "the test Slurm runs as SlurmUser=root; not root";
  for (const char* p : {"/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/bin/squeue",
                        "/usr/bin/scontrol", "/usr/bin/scancel", "/usr/bin/sinfo"})
    if (!fs::exists(p)) return "Slurm is not installed (Debian packages slurm-wlm and munge; see scripts/deps/deploy.txt)";
  return nullptr;
}

// One cluster for the whole suite (starting one takes about a second).
class SlurmCluster : public ::testing::Environment {
 public:
  void SetUp() override {
    if ((why_ = missing_requirement())) return;
    dir_ = std::make_unique<TempDir>("spackext-slurm");
    spackext::testing::RunOptions ro;
    ro.timeout_seconds = 60;
    auto r = spackext::testing::run({"/bin/sh", std::string(SPACKEXT_SLURM_SCRIPTS) + "/start.sh",
                                     (dir_->path() / "cluster").string(),
                                     std::to_string(spackext::testing::free_port()),
                                     std::to_string(spackext::testing::free_port())},
                                    ro);
    if (r.exit_code != 0) {
      failure_ = "start.sh failed: " + r.err + r.out;
      return;
    }
    conf_ = (dir_->path() / "cluster" / "slurm.conf").string();
    ::setenv("SLURM_CONF", conf_.c_str(), 1);
    up_ = true;
  }
  void TearDown() override {
    if (dir_) spackext::testing::run({"/bin/sh", std::string(SPACKEXT_SLURM_SCRIPTS) + "/stop.sh",
                                      (dir_->path() / "cluster").string()});
    dir_.reset();
  }
  static const char* why_;
  static bool up_;
  static std::string failure_, conf_;
  std::unique_ptr<TempDir> dir_;
};
const char* SlurmCluster::why_ = nullptr;
bool SlurmCluster::up_ = false;
std::string SlurmCluster::failure_, SlurmCluster::conf_;
auto* const cluster = ::testing::AddGlobalTestEnvironment(new SlurmCluster);

#define REQUIRE_SLURM()                                                    \
  if (SlurmCluster::why_) GTEST_SKIP() << SlurmCluster::why_;              \
  ASSERT_TRUE(SlurmCluster::up_) << SlurmCluster::failure_

spackext::StageJob job(const TempDir& tmp, const std::string& id, std::vector<std::string> commands,
                       std::vector<std::string> after = {}) {
  spackext::StageJob j;
  j.id = id;
  j.name = "spackext-test-" + id;
  j.commands = std::move(commands);
  j.workdir = (tmp / "work").string();
  j.log_path = (tmp / "logs" / (id + ".log")).string();
  j.after = std::move(after);
  return j;
}

// Quick polling for tests; a job pending for another reason than its
// dependencies longer than `pending_timeout` is given up (0: never).
spackext::executors::SlurmOptions fast(std::chrono::seconds pending_timeout = std::chrono::seconds(0)) {
  spackext::executors::SlurmOptions o;
  o.poll = std::chrono::milliseconds(200);
  o.pending_timeout = pending_timeout;
  return o;
}

JobState wait_done(SlurmExecutor& ex, const std::string& id) {
  for (int i = 0; i < 120; ++i) {
    if (!ex.wait_any({id}, std::chrono::milliseconds(1000)).empty()) return ex.status(id).state;
  }
  return JobState::unknown;
}

}  // namespace

TEST(SlurmIntegration, AfterokChainWithAFailingJob) {
  REQUIRE_SLURM();
  TempDir tmp;
  SlurmExecutor ex(fast());
  auto a = ex.submit(job(tmp, "a", {"echo A from $SPACKEXT_JOB_ID"}));
  auto b = ex.submit(job(tmp, "b", {"echo B", "exit 3"}, {a}));
  auto c = ex.submit(job(tmp, "c", {"echo C > c-ran"}, {b}));
  auto info = run_command({"scontrol", "show", "job", "-o", b});
  EXPECT_NE(info.out.find("JobName=spackext-test-b"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("Dependency=afterok:" + a), std::string::npos) << info.out;
  EXPECT_EQ(wait_done(ex, a), JobState::succeeded);
  auto bs = (wait_done(ex, b), ex.status(b));
  EXPECT_EQ(bs.state, JobState::failed);
  EXPECT_EQ(bs.exit_code, 3);
  EXPECT_EQ(wait_done(ex, c), JobState::cancelled);  // kill_invalid_depend
  EXPECT_FALSE(fs::exists(tmp / "work" / "c-ran"));
  EXPECT_EQ(read_file(tmp / "logs" / "a.log"), "A from a\n");
  EXPECT_EQ(read_file(tmp / "logs" / "b.log"), "B\n");
  // The job completion log agrees (sacct -c works without slurmdbd).
  auto acct = run_command({"sacct", "-c", "-n", "-P", "-j", b, "-o", "JobID,State,ExitCode"});
  EXPECT_NE(acct.out.find(b + "|FAILED|3:0"), std::string::npos) << acct.out << acct.err;
}

TEST(SlurmIntegration, CancelRunningJob) {
  REQUIRE_SLURM();
  TempDir tmp;
  SlurmExecutor ex(fast());
  auto id = ex.submit(job(tmp, "sleeper", {"touch started", "sleep 120"}));
  for (int i = 0; i < 300 && !fs::exists(tmp / "work" / "started"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(ex.status(id).state, JobState::running);
  ex.cancel(id);
  EXPECT_EQ(wait_done(ex, id), JobState::cancelled);
}

TEST(SlurmIntegration, JobThatCannotStartIsRefusedOrTimedOut) {
  REQUIRE_SLURM();
  TempDir tmp;
  SlurmExecutor ex(fast(std::chrono::seconds(2)));
  auto j = job(tmp, "huge", {"true"});
  j.resources = {{"partition", "no-such-partition"}};
  EXPECT_THROW(ex.submit(j), spackext::Error);  // sbatch refuses it outright
  auto held = job(tmp, "held", {"true"});
  auto id = ex.submit(held);
  run_command({"scontrol", "hold", id});  // pending for a non-dependency reason
  auto st = wait_done(ex, id);
  EXPECT_EQ(st, JobState::failed);
  EXPECT_NE(ex.status(id).detail.find("never started"), std::string::npos);
}

TEST(SlurmIntegration, DeploymentWithDependenciesRetriesAndAFailure) {
  REQUIRE_SLURM();
  TempDir tmp;
  fs::create_directories(tmp / "work");
  write_file(tmp / "deploy.yaml", R"(deployment: {name: slurm-test, base_path: work}
stages:
  - name: compilers
    run: ["echo CC=/opt/$SPACKEXT_COMPILER > $SPACKEXT_ARTIFACTS/env"]
    matrix: {compilers: [gcc, clang]}
    resources: {cpus: 1, time: "00:05:00", partition: debug}
  - name: flaky
    depends: [compilers]
    retries: 1
    retry_backoff: 0.1
    run: ["echo x >> tries-$SPACKEXT_COMPILER", "test $(wc -l < tries-$SPACKEXT_COMPILER) -ge 2", "echo $CC > cc-$SPACKEXT_COMPILER"]
    matrix: {compilers: [gcc, clang]}
  - name: apps
    depends: [flaky]
    run: ["echo {app} >> apps-$SPACKEXT_COMPILER"]
    matrix: {compilers: [gcc, clang], apps: [a, b]}
)");
  auto spec = sd::load_deploy_spec(tmp / "deploy.yaml");
  spackext::Bus bus;
  sd::StateDb db(tmp / "state.db");
  sd::DeploymentRunner runner(db, bus, tmp / "logs");
  SlurmExecutor ex(fast());
  sd::DeployOptions o;
  o.executor = "slurm";
  o.jobs = 16;
  auto r = runner.run(spec, o, ex, nullptr);
  EXPECT_EQ(r.status, "succeeded");
  EXPECT_EQ(read_file(tmp / "work" / "cc-gcc"), "/opt/gcc\n");  // propagated through artifacts
  EXPECT_EQ(read_file(tmp / "work" / "cc-clang"), "/opt/clang\n");
  for (const auto& n : db.nodes(r.id)) {
    EXPECT_EQ(n.state, "succeeded") << n.name << " " << n.detail;
    if (n.stage == "flaky") {
      EXPECT_EQ(n.attempts, 2) << n.name;
    }
  }

  // A failing stage: its dependents never run and are recorded as skipped.
  write_file(tmp / "fail.yaml", R"(deployment: {name: slurm-fail, base_path: work}
stages:
  - {name: bad, run: ["exit 4"]}
  - {name: after, depends: [bad], run: ["touch after-ran"]}
)");
  auto f = runner.run(sd::load_deploy_spec(tmp / "fail.yaml"), o, ex, nullptr);
  EXPECT_EQ(f.status, "failed");
  std::map<std::string, sd::NodeRecord> nodes;
  for (auto& n : db.nodes(f.id)) nodes[n.name] = n;
  EXPECT_EQ(nodes["bad"].state, "failed");
  EXPECT_EQ(nodes["bad"].exit_code, 4);
  EXPECT_EQ(nodes["after"].state, "skipped");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_FALSE(fs::exists(tmp / "work" / "after-ran"));
}

// `spack-ext deploy run --config <tmp>/deploy.yaml --executor slurm ...` on the test cluster.
spackext::testing::RunResult deploy_run_on_slurm(const TempDir& tmp, const std::vector<std::string>& extra) {
  spackext::testing::RunOptions ro;
  ro.env["SLURM_CONF"] = SlurmCluster::conf_;
  std::vector<std::string> args{"deploy", "run", "--config", (tmp / "deploy.yaml").string(), "--executor", "slurm",
                                "--state-db", (tmp / "state.db").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return spackext::testing::run_host(args, tmp.path(), ro);
}

TEST(SlurmIntegration, CliRunOnSlurm) {
  REQUIRE_SLURM();
  TempDir tmp;
  fs::create_directories(tmp / "work");
  write_file(tmp / "deploy.yaml", R"(deployment: {name: cli-slurm, base_path: work}
stages:
  - {name: a, run: ["echo a >> runs"]}
  - {name: b, depends: [a], run: ["echo b >> runs"]}
)");
  auto r = deploy_run_on_slurm(tmp, {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["status"], "succeeded");
  EXPECT_EQ(read_file(tmp / "work" / "runs"), "a\nb\n");
}

TEST(SlurmIntegration, JobCancelledInSlurmFailsTheDeployment) {
  REQUIRE_SLURM();
  TempDir tmp;
  fs::create_directories(tmp / "work");
  // The job cancels itself, as an operator's scancel would.
  write_file(tmp / "deploy.yaml", R"(deployment: {name: slurm-cancelled, base_path: work}
stages:
  - {name: victim, run: ["scancel $SLURM_JOB_ID", "sleep 30"]}
  - {name: after, depends: [victim], run: ["touch after-ran"]}
)");
  spackext::Bus bus;
  sd::StateDb db(tmp / "state.db");
  sd::DeploymentRunner runner(db, bus, tmp / "logs");
  SlurmExecutor ex(fast());
  sd::DeployOptions o;
  o.executor = "slurm";
  o.jobs = 8;
  auto r = runner.run(sd::load_deploy_spec(tmp / "deploy.yaml"), o, ex, nullptr);
  EXPECT_EQ(r.status, "failed");
  std::map<std::string, sd::NodeRecord> nodes;
  for (auto& n : db.nodes(r.id)) nodes[n.name] = n;
  EXPECT_EQ(nodes["victim"].state, "cancelled");
  EXPECT_EQ(nodes["after"].state, "skipped");
  EXPECT_EQ(db.deployment(r.id)->status, "failed");
  EXPECT_FALSE(fs::exists(tmp / "work" / "after-ran"));
}

TEST(SlurmIntegration, HostKilledMidRunThenResumed) {
  REQUIRE_SLURM();
  TempDir tmp;
  fs::create_directories(tmp / "work");
  // b runs until the test lets it finish, after the host was killed; the
  // resume waits for that job and keeps its success instead of running b again.
  write_file(tmp / "deploy.yaml", R"(deployment: {name: slurm-resume, base_path: work}
stages:
  - {name: a, run: ["echo a >> runs"]}
  - name: b
    depends: [a]
    run: ["echo b >> runs", "echo $SLURM_JOB_ID > b.job", "while [ ! -f finish ]; do sleep 0.2; done"]
  - {name: c, depends: [b], run: ["echo c >> runs"]}
)");
  auto spec = sd::load_deploy_spec(tmp / "deploy.yaml");
  sd::DeployOptions o;
  o.executor = "slurm";
  o.jobs = 8;
  pid_t host = ::fork();
  ASSERT_GE(host, 0);
  if (host == 0) {  // the "host": runs the deployment until it is killed
    try {
      spackext::Bus bus;
      sd::StateDb db(tmp / "state.db");
      sd::DeploymentRunner runner(db, bus, tmp / "logs");
      SlurmExecutor ex(fast());
      runner.run(spec, o, ex, nullptr);
    } catch (...) {
      ::_exit(1);
    }
    ::_exit(0);  // never return into the test framework (it would stop the cluster)
  }
  auto job_file = tmp / "work" / "b.job";
  for (int i = 0; i < 600 && !(fs::exists(job_file) && !read_file(job_file).empty()); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ::kill(host, SIGKILL);
  int st = 0;
  ::waitpid(host, &st, 0);
  ASSERT_TRUE(fs::exists(job_file)) << "stage b never started";
  auto orphan = read_file(job_file);
  orphan = orphan.substr(0, orphan.find('\n'));

  write_file(tmp / "work" / "finish", "");
  spackext::Bus bus;
  sd::StateDb db(tmp / "state.db");
  sd::DeploymentRunner runner(db, bus, tmp / "logs");
  SlurmExecutor ex(fast());
  EXPECT_EQ(db.deployment(1)->status, "running");  // as the dead host left it
  auto r = runner.resume(1, ex, nullptr);
  EXPECT_EQ(r.status, "succeeded");
  EXPECT_EQ(read_file(tmp / "work" / "runs"), "a\nb\nc\n");  // nothing ran twice
  EXPECT_EQ(ex.status(orphan).state, JobState::succeeded);
  std::map<std::string, sd::NodeRecord> nodes;
  for (auto& n : db.nodes(1)) nodes[n.name] = n;
  EXPECT_EQ(nodes["a"].attempts, 1);
  EXPECT_EQ(nodes["b"].attempts, 1);
  EXPECT_EQ(nodes["b"].detail, "finished while its host was down");
}

// The host is killed right after sbatch accepted a job and before the job's
// id was recorded (an sbatch wrapper runs the real sbatch, then SIGKILLs its
// caller). The attempt's token, recorded before the submission and carried
// in the job's comment, lets resume find that job, record its id and wait
// for it: not orphaned (on main it stayed queued, unknown to the database,
// and the node ran again beside it), not duplicated.
TEST(SlurmIntegration, HostKilledBetweenSbatchAndRecordingTheJob) {
  REQUIRE_SLURM();
  TempDir tmp;
  fs::create_directories(tmp / "work");
  write_file(tmp / "deploy.yaml", R"(deployment: {name: slurm-intent, base_path: work}
stages:
  - name: only
    run: ["echo start-$SPACKEXT_ATTEMPT >> runs", "while [ ! -f finish ]; do sleep 0.2; done", "echo end-$SPACKEXT_ATTEMPT >> runs"]
)");
  auto real_sbatch = spackext::testing::run({"/bin/sh", "-c", "command -v sbatch"});
  ASSERT_EQ(real_sbatch.exit_code, 0);
  std::string sbatch_path = real_sbatch.out.substr(0, real_sbatch.out.find('\n'));
  write_file(tmp / "sbatch-then-die",
             "#!/bin/sh\nout=$(" + sbatch_path + " \"$@\") || exit $?\necho \"$out\" > " +
                 (tmp / "submitted").string() + "\nkill -9 $PPID\nsleep 30\n");
  fs::permissions(tmp / "sbatch-then-die", fs::perms::owner_all);
  auto spec = sd::load_deploy_spec(tmp / "deploy.yaml");
  sd::DeployOptions o;
  o.executor = "slurm";
  pid_t host = ::fork();
  ASSERT_GE(host, 0);
  if (host == 0) {
    try {
      spackext::Bus bus;
      sd::StateDb db(tmp / "state.db");
      sd::DeploymentRunner runner(db, bus, tmp / "logs");
      auto opts = fast();
      opts.sbatch = (tmp / "sbatch-then-die").string();
      SlurmExecutor ex(opts);
      runner.run(spec, o, ex, nullptr);
    } catch (...) {
      ::_exit(1);
    }
    ::_exit(0);
  }
  int st = 0;
  ::waitpid(host, &st, 0);
  ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) << "the host was not killed by the sbatch wrapper";
  auto submitted = read_file(tmp / "submitted");
  auto orphan = submitted.substr(0, submitted.find_first_of(";\n"));
  ASSERT_FALSE(orphan.empty());

  spackext::Bus bus;
  sd::StateDb db(tmp / "state.db");
  auto attempts = db.attempts(1);
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0].state, "submitting");  // the intent, without an id
  EXPECT_EQ(attempts[0].native_id, "");
  SlurmExecutor ex(fast());
  EXPECT_EQ(ex.find_job(attempts[0].token), orphan);
  write_file(tmp / "work" / "finish", "");
  sd::DeploymentRunner runner(db, bus, tmp / "logs");
  auto r = runner.resume(1, ex, nullptr);
  EXPECT_EQ(r.status, "succeeded");
  EXPECT_EQ(ex.status(orphan).state, JobState::succeeded);
  EXPECT_EQ(read_file(tmp / "work" / "runs"), "start-1\nend-1\n");  // run once, by the first job
  auto attempts_after = db.attempts(1);
  ASSERT_EQ(attempts_after.size(), 1u);
  EXPECT_EQ(attempts_after[0].native_id, orphan);
  EXPECT_EQ(db.nodes(1)[0].attempts, 1);
  EXPECT_EQ(db.nodes(1)[0].detail, "finished while its host was down");
}

// `deploy run` on Slurm writes the JUnit report of the test jobs, and a
// propagated file reaches the dependents' config scope before they start
// (they are submitted after it is published, not with afterok).
TEST(SlurmIntegration, JunitReportAndPropagatedFilesOnSlurm) {
  REQUIRE_SLURM();
  TempDir tmp;
  fs::create_directories(tmp / "work");
  write_file(tmp / "deploy.yaml", R"(deployment: {name: slurm-junit, base_path: work}
stages:
  - {name: compilers, run: ["printf 'compilers: []\\n' > $SPACKEXT_ARTIFACTS/compilers.yaml"]}
  - {name: broken, run: ["exit 5"]}
tests:
  - {name: sees-scope, depends: [compilers], run: ["test -f $SPACKEXT_SCOPES/compilers.yaml"]}
  - {name: needs-broken, depends: [broken], run: ["true"]}
  - name: runtimes
    matrix: {runtimes: [a, b]}
    run: ["test {runtime} = a || { echo runtime b broke; exit 3; }"]
artifacts: {propagate: [compilers.yaml]}
)");
  auto r = deploy_run_on_slurm(tmp, {"--keep-going", "--junit", (tmp / "report.xml").string()});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  auto seen = spackext::testing::read_junit(tmp / "report.xml");
  EXPECT_EQ(seen.tests, 4);
  EXPECT_EQ(seen.failures, 1);
  EXPECT_EQ(seen.skipped, 1);
  EXPECT_EQ(seen.cases["sees-scope"].outcome, "passed") << seen.cases["sees-scope"].text;
  EXPECT_EQ(seen.cases["needs-broken"].outcome, "skipped");
  EXPECT_EQ(seen.cases["runtimes/a"].outcome, "passed");
  EXPECT_EQ(seen.cases["runtimes/b"].outcome, "failure");
  EXPECT_NE(seen.cases["runtimes/b"].text.find("runtime b broke"), std::string::npos) << seen.cases["runtimes/b"].text;
  EXPECT_EQ(read_file(tmp / "work" / "artifacts" / "deployments" / "1" / "scopes" / "compilers" / "compilers.yaml"),
            "compilers: []\n");
}
