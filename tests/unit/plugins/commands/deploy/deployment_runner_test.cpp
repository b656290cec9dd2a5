// Whole deployments on the local executor with real processes: order,
// environment and artifact propagation, limits, failures, retries,
// cancellation, resume, rollback, events and the state database.
#include <gtest/gtest.h>

#include <thread>

#include "deploy_spec.hpp"
#include "deploy_spec_fixture.hpp"
#include "dependency_gate_executor.hpp"
#include "deployment_runner.hpp"
#include "local_executor.hpp"
#include "spackext/errors.hpp"

namespace sd = spackext::deploy;
namespace fs = std::filesystem;
using spackext::testing::read_file;
using spackext::testing::TempDir;
using spackext::testing::write_file;

namespace {

class DeploymentRunnerTest : public ::testing::Test {
 protected:
  sd::DeploySpec spec(const std::string& stages, const std::string& extra = {}) {
    write_file(tmp / "deploy.yaml", "deployment: {name: t, base_path: work}\n" + extra + "stages:\n" + stages);
    fs::create_directories(tmp / "work");
    return sd::load_deploy_spec(tmp / "deploy.yaml");
  }
  sd::DeployResult run(const sd::DeploySpec& s, int jobs = 4, bool keep_going = false,
                       const std::atomic<bool>* cancel = nullptr) {
    sd::DeployOptions o;
    o.jobs = jobs;
    o.keep_going = keep_going;
    return runner.run(s, o, executor, cancel);
  }
  std::map<std::string, sd::NodeRecord> nodes(std::int64_t id) {
    std::map<std::string, sd::NodeRecord> out;
    for (auto& n : db.nodes(id)) out[n.name] = n;
    return out;
  }
  std::string work(const std::string& f) { return read_file(tmp / "work" / f); }

  TempDir tmp;
  spackext::Bus bus;
  sd::StateDb db{tmp / "state" / "deploy.db"};
  sd::DeploymentRunner runner{db, bus, tmp / "state" / "logs"};
  spackext::executors::LocalExecutor executor;
};

}  // namespace

TEST_F(DeploymentRunnerTest, RunsStagesInDependencyOrderAndPropagatesArtifacts) {
  std::vector<std::string> topics;
  bus.subscribe("deploy.**", [&](const spackext::Event& e) { topics.emplace_back(e.topic()); });
  auto s = spec(R"(  - name: compilers
    run: ["echo $SPACKEXT_COMPILER >> order.txt", "echo CC_$SPACKEXT_COMPILER=/opt/$SPACKEXT_COMPILER > $SPACKEXT_ARTIFACTS/env"]
    matrix: {compilers: [gcc, clang]}
  - name: apps
    depends: [compilers]
    run: ["echo {app}-{compiler} >> order.txt", "echo \"$CC_gcc$CC_clang\" > $SPACKEXT_ARTIFACTS/cc.txt"]
    matrix: {compilers: [gcc, clang], apps: [a, b]}
    env: {GREETING: hi}
  - name: report
    depends: [apps]
    run: ["echo $GREETING-report >> order.txt", "ls $SPACKEXT_INPUTS | wc -l > inputs.txt"]
)");
  auto r = run(s);
  ASSERT_EQ(r.status, "succeeded");
  EXPECT_EQ(r.outcome.succeeded, 7u);
  // Compilers before their apps, report last.
  auto order = work("order.txt");
  for (auto c : {"gcc", "clang"})
    for (auto a : {"a", "b"})
      EXPECT_LT(order.find(std::string(c) + "\n"), order.find(std::string(a) + "-" + c)) << order;
  // The report comes last; GREETING is only in the apps stage's environment.
  ASSERT_GE(order.size(), 9u);
  EXPECT_EQ(order.substr(order.size() - 9), "\n-report\n") << order;
  // Each app saw only its own compiler's exported variable.
  auto out = s.artifacts_output / "deployments" / std::to_string(r.id);
  EXPECT_EQ(read_file(out / "apps" / "gcc" / "a" / "cc.txt"), "/opt/gcc\n");
  EXPECT_EQ(read_file(out / "apps" / "clang" / "b" / "cc.txt"), "/opt/clang\n");
  EXPECT_EQ(fs::read_symlink(s.artifacts_output / "current"), fs::path("deployments") / std::to_string(r.id));

  auto rec = db.deployment(r.id);
  EXPECT_EQ(rec->status, "succeeded");
  EXPECT_FALSE(rec->finished_at.empty());
  for (auto& [name, n] : nodes(r.id)) {
    EXPECT_EQ(n.state, "succeeded") << name;
    EXPECT_EQ(n.attempts, 1) << name;
    EXPECT_TRUE(fs::exists(n.log_path)) << name;
    EXPECT_TRUE(n.duration_s.has_value());
  }
  EXPECT_EQ(db.recorded_durations("t").size(), 7u);
  auto arts = db.artifacts(r.id);
  EXPECT_GE(arts.size(), 6u);  // 2 env files + 4 cc.txt
  EXPECT_EQ(std::count(topics.begin(), topics.end(), "deploy.stage.started"), 7);
  EXPECT_EQ(std::count(topics.begin(), topics.end(), "deploy.stage.finished"), 7);
  EXPECT_EQ(topics.front(), "deploy.started");
  EXPECT_EQ(topics.back(), "deploy.finished");
}

TEST_F(DeploymentRunnerTest, ParallelLimitIsRespected) {
  // Each node takes a lock directory; two at once would fail the mkdir.
  auto s = spec(R"(  - name: one-at-a-time
    parallel: 1
    run: ["mkdir ../lock", "sleep 0.1", "rmdir ../lock", "echo {app} >> done.txt"]
    matrix: {apps: [a, b, c, d]}
)");
  auto r = run(s, 4);
  EXPECT_EQ(r.status, "succeeded");
  EXPECT_EQ(work("done.txt").size(), 8u);
}

TEST_F(DeploymentRunnerTest, FailFastSkipsDependentsAndStopsLaunching) {
  auto s = spec(R"(  - {name: bad, run: ["echo broken >&2", "exit 7"], estimate: 100}
  - {name: after-bad, depends: [bad], run: ["touch after-bad"]}
  - {name: other, run: ["sleep 0.3", "touch other"], estimate: 1}
  - {name: later, depends: [other], run: ["touch later"]}
)");
  auto r = run(s, 1);  // one job at a time: `bad` (longest path) runs first and fails
  EXPECT_EQ(r.status, "failed");
  auto n = nodes(r.id);
  EXPECT_EQ(n["bad"].state, "failed");
  EXPECT_EQ(n["bad"].exit_code, 7);
  EXPECT_EQ(read_file(n["bad"].log_path), "broken\n");
  EXPECT_EQ(n["after-bad"].state, "skipped");
  EXPECT_EQ(n["other"].state, "pending");
  EXPECT_FALSE(fs::exists(tmp / "work" / "other"));
  EXPECT_EQ(db.deployment(r.id)->status, "failed");
  EXPECT_FALSE(fs::exists(s.artifacts_output / "current"));
}

TEST_F(DeploymentRunnerTest, KeepGoingRunsWhatDoesNotDependOnTheFailure) {
  auto s = spec(R"(  - {name: bad, run: ["exit 1"], estimate: 100}
  - {name: after-bad, depends: [bad], run: ["touch after-bad"]}
  - {name: other, run: ["touch other"]}
  - {name: later, depends: [other], run: ["touch later"]}
)");
  auto r = run(s, 1, /*keep_going=*/true);
  EXPECT_EQ(r.status, "failed");
  auto n = nodes(r.id);
  EXPECT_EQ(n["after-bad"].state, "skipped");
  EXPECT_EQ(n["later"].state, "succeeded");
  EXPECT_TRUE(fs::exists(tmp / "work" / "later"));
}

TEST_F(DeploymentRunnerTest, RetriesWithBackoff) {
  // Fails on the first two attempts, succeeds on the third.
  auto s = spec(R"(  - name: flaky
    retries: 2
    retry_backoff: 0.05
    run: ["echo x >> tries", "test $(wc -l < tries) -ge 3"]
)");
  auto r = run(s);
  EXPECT_EQ(r.status, "succeeded");
  auto n = nodes(r.id);
  EXPECT_EQ(n["flaky"].attempts, 3);
  auto attempts = db.attempts(r.id);
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[0].state, "failed");
  EXPECT_EQ(attempts[1].state, "failed");
  EXPECT_EQ(attempts[2].state, "succeeded");
  EXPECT_NE(attempts[0].log_path, attempts[2].log_path);
}

TEST_F(DeploymentRunnerTest, RetriesRunOut) {
  auto s = spec("  - {name: broken, retries: 1, retry_backoff: 0.01, run: [\"exit 2\"]}\n");
  auto r = run(s);
  EXPECT_EQ(r.status, "failed");
  EXPECT_EQ(nodes(r.id)["broken"].attempts, 2);
}

TEST_F(DeploymentRunnerTest, CancellationStopsRunningJobsAndIsRecorded) {
  auto s = spec(R"(  - {name: long, run: ["touch started", "sleep 60", "touch finished"]}
  - {name: next, depends: [long], run: ["true"]}
)");
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    for (int i = 0; i < 500 && !fs::exists(tmp / "work" / "started"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    cancel = true;
  });
  executor.set_grace(std::chrono::milliseconds(500));
  auto r = run(s, 2, false, &cancel);
  canceller.join();
  EXPECT_EQ(r.status, "cancelled");
  EXPECT_TRUE(r.outcome.interrupted);
  auto n = nodes(r.id);
  EXPECT_EQ(n["long"].state, "cancelled");
  EXPECT_EQ(n["next"].state, "pending");
  EXPECT_FALSE(fs::exists(tmp / "work" / "finished"));
  EXPECT_EQ(db.deployment(r.id)->status, "cancelled");
}

TEST_F(DeploymentRunnerTest, ResumeSkipsWhatCompletedAndRerunsTheRest) {
  auto s = spec(R"(  - {name: first, run: ["echo first >> runs.txt"]}
  - {name: second, depends: [first], run: ["echo second >> runs.txt", "test -f fixed"]}
  - {name: third, depends: [second], run: ["echo third >> runs.txt"]}
)");
  auto r = run(s);
  ASSERT_EQ(r.status, "failed");
  write_file(tmp / "work" / "fixed", "");
  auto again = runner.resume(r.id, executor, nullptr);
  EXPECT_EQ(again.id, r.id);
  EXPECT_EQ(again.status, "succeeded");
  EXPECT_EQ(work("runs.txt"), "first\nsecond\nsecond\nthird\n");
  auto n = nodes(r.id);
  EXPECT_EQ(n["first"].attempts, 1);
  EXPECT_EQ(n["second"].attempts, 2);  // attempt numbers continue across the resume
  EXPECT_EQ(n["third"].state, "succeeded");
  EXPECT_THROW(runner.resume(r.id, executor, nullptr), spackext::InputError);  // nothing left
}

TEST_F(DeploymentRunnerTest, ResumeRunsStagesAddedToTheFileSince) {
  auto s = spec("  - {name: first, run: [\"exit 1\"]}\n");
  auto r = run(s);
  ASSERT_EQ(r.status, "failed");
  spec("  - {name: first, run: [true]}\n  - {name: added, depends: [first], run: [\"touch added\"]}\n");
  auto again = runner.resume(r.id, executor, nullptr);
  EXPECT_EQ(again.status, "succeeded");
  EXPECT_EQ(nodes(r.id)["added"].state, "succeeded");
  EXPECT_TRUE(fs::exists(tmp / "work" / "added"));
  EXPECT_THROW(runner.resume(999, executor, nullptr), spackext::InputError);
}

TEST_F(DeploymentRunnerTest, RollbackRestoresThePreviousOutputs) {
  auto s = spec("  - {name: build, run: [\"echo $SPACKEXT_DEPLOYMENT_ID > $SPACKEXT_ARTIFACTS/id\"]}\n");
  auto first = run(s);
  auto second = run(s);
  ASSERT_EQ(second.status, "succeeded");
  auto current = s.artifacts_output / "current";
  EXPECT_EQ(read_file(current / "build" / "id"), std::to_string(second.id) + "\n");
  EXPECT_THROW(sd::rollback_deployment(db, bus, first.id), spackext::Error);  // not current
  sd::rollback_deployment(db, bus, second.id);
  EXPECT_EQ(read_file(current / "build" / "id"), std::to_string(first.id) + "\n");
  EXPECT_EQ(db.deployment(second.id)->status, "rolled_back");
  sd::rollback_deployment(db, bus, first.id);
  EXPECT_FALSE(fs::exists(current));  // nothing was there before the first
  EXPECT_THROW(sd::rollback_deployment(db, bus, first.id), spackext::Error);
}

TEST_F(DeploymentRunnerTest, ExecutorRefusalIsAFailedAttempt) {
  auto s = spec("  - {name: a, run: [true]}\n");
  class Refusing final : public spackext::Executor {
   public:
    std::string submit(const spackext::StageJob&) override { throw spackext::Error("sbatch: not found"); }
    spackext::JobStatus status(const std::string&) override { return {}; }
    std::vector<std::string> wait_any(const std::vector<std::string>&, std::chrono::milliseconds) override { return {}; }
    void cancel(const std::string&) override {}
  } refusing;
  sd::DeployOptions o;
  auto r = runner.run(s, o, refusing, nullptr);
  EXPECT_EQ(r.status, "failed");
  auto n = nodes(r.id);
  EXPECT_EQ(n["a"].state, "failed");
  EXPECT_EQ(n["a"].detail, "sbatch: not found");
}

// Eager submission (executors that enforce dependencies, like Slurm): the
// whole chain is submitted at once; a retried dependency takes its
// submitted dependents back and they are submitted again after it.
TEST_F(DeploymentRunnerTest, EagerSubmissionRequeuesDependentsOfARetriedNode) {
  auto s = spec(R"(  - name: a
    retries: 1
    retry_backoff: 0.05
    run: ["echo a >> runs.txt", "test $(grep -c a runs.txt) -ge 2"]
  - {name: b, depends: [a], run: ["echo b >> runs.txt"]}
  - {name: c, depends: [b], run: ["echo c >> runs.txt"]}
)");
  std::vector<std::string> requeued;
  bus.subscribe("deploy.stage.requeued", [&](const spackext::Event& e) {
    requeued.push_back(e.payload()["node"].get<std::string>());
  });
  deploy_test::DependencyGateExecutor gate;
  sd::DeployOptions o;
  o.jobs = 8;
  auto r = runner.run(s, o, gate, nullptr);
  EXPECT_EQ(r.status, "succeeded");
  EXPECT_EQ(work("runs.txt"), "a\na\nb\nc\n");
  EXPECT_EQ(gate.submitted, 6);  // a, b, c; then a again, b and c again
  std::sort(requeued.begin(), requeued.end());
  EXPECT_EQ(requeued, (std::vector<std::string>{"b", "c"}));
  auto n = nodes(r.id);
  EXPECT_EQ(n["a"].attempts, 2);
  EXPECT_EQ(n["c"].state, "succeeded");
}

TEST_F(DeploymentRunnerTest, EagerSubmissionSkipsDependentsOfAFailure) {
  auto s = spec(R"(  - {name: a, run: ["exit 1"]}
  - {name: b, depends: [a], run: ["touch b"]}
  - {name: c, depends: [b], run: ["touch c"]}
  - {name: d, run: ["touch d"]}
)");
  deploy_test::DependencyGateExecutor gate;
  sd::DeployOptions o;
  o.jobs = 8;
  o.keep_going = true;
  auto r = runner.run(s, o, gate, nullptr);
  EXPECT_EQ(r.status, "failed");
  auto n = nodes(r.id);
  EXPECT_EQ(n["b"].state, "skipped");
  EXPECT_EQ(n["c"].state, "skipped");
  EXPECT_EQ(n["d"].state, "succeeded");
  EXPECT_FALSE(fs::exists(tmp / "work" / "b"));
  EXPECT_FALSE(fs::exists(tmp / "work" / "c"));
}

// With one job at a time the order is the priority order: longest remaining
// path first, from the estimates until durations are recorded, then from those.
TEST_F(DeploymentRunnerTest, CriticalPathOrderFromEstimatesThenRecordedDurations) {
  auto s = spec(R"(  - {name: slow, run: ["echo slow >> order.txt", "sleep 0.4"], estimate: 1}
  - {name: quick, run: ["echo quick >> order.txt"], estimate: 100}
)");
  ASSERT_EQ(run(s, 1).status, "succeeded");
  EXPECT_EQ(work("order.txt"), "quick\nslow\n");  // the estimates say quick is longer
  fs::remove(tmp / "work" / "order.txt");
  ASSERT_EQ(run(s, 1).status, "succeeded");
  EXPECT_EQ(work("order.txt"), "slow\nquick\n");  // the recorded durations say otherwise
}

namespace {

// A host process that no longer runs: this one, with another start time.
spackext::ProcessIdentity dead_host() {
  auto gone = spackext::current_process();
  gone.start += "0";
  return gone;
}

// The record of a deployment that host `owner` was running.
sd::DeploymentRecord left_by(const spackext::ProcessIdentity& owner, const sd::DeploySpec& s) {
  sd::DeploymentRecord rec;
  rec.name = s.name;
  rec.config_path = s.file.string();
  rec.executor = "local";
  rec.owner = owner.str();
  rec.options = sd::options_to_json({});
  return rec;
}

}  // namespace

// A host killed after a job finished but before it recorded the end: the
// job's own success marker tells resume, which keeps it instead of running
// the stage a second time.
TEST_F(DeploymentRunnerTest, ResumeKeepsAJobThatSucceededWhileItsHostWasDown) {
  auto s = spec(R"(  - {name: first, run: ["echo first >> runs.txt"]}
  - {name: second, depends: [first], run: ["echo second >> runs.txt"]}
)");
  // What the killed host left: first submitted, ran to its end, never recorded.
  auto gone = dead_host();
  auto id = db.create_deployment(left_by(gone, s), {{"first", "first"}, {"second", "second"}});
  auto log = tmp / "state" / "logs" / std::to_string(id) / "first" / "attempt-1.log";
  db.attempt_intent(id, "first", 1, "token-1", log.string());
  db.attempt_started(id, "first", 1, gone.str(), log.string());
  write_file(tmp / "work" / "runs.txt", "first\n");
  write_file(fs::path(log).replace_extension(".succeeded"), "");
  auto r = runner.resume(id, executor, nullptr);
  EXPECT_EQ(r.status, "succeeded");
  EXPECT_EQ(work("runs.txt"), "first\nsecond\n");
  auto n = nodes(id);
  EXPECT_EQ(n["first"].attempts, 1);
  EXPECT_EQ(n["first"].detail, "finished while its host was down");
}

// A host killed between submitting a job and recording its native id: the
// attempt row holds only the token. Resume finds the job by it, records its
// id and waits for it before re-running the node (it left no success
// marker), so it is neither orphaned nor run twice at once.
TEST_F(DeploymentRunnerTest, ResumeFindsAJobWhoseIdWasNeverRecordedByItsToken) {
  auto s = spec(R"(  - {name: only, run: ["echo run >> runs.txt"]}
)");
  auto id = db.create_deployment(left_by(dead_host(), s), {{"only", "only"}});
  auto log = tmp / "state" / "logs" / std::to_string(id) / "only" / "attempt-1.log";
  db.attempt_intent(id, "only", 1, "0123456789abcdef", log.string());
  // The dead host's executor had started it; this test process plays that host.
  spackext::executors::LocalExecutor dead_hosts;
  spackext::StageJob job;
  job.id = "only#1";
  job.token = "0123456789abcdef";
  job.workdir = (tmp / "work").string();
  job.commands = {"echo $$ > " + (tmp / "orphan.pid").string(), "sleep 0.5", "echo orphan >> runs.txt"};
  auto orphan = dead_hosts.submit(job);
  for (int i = 0; i < 500 && !fs::exists(tmp / "orphan.pid"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(executor.find_job("0123456789abcdef"), orphan);
  EXPECT_EQ(executor.find_job("not-a-token"), "");
  EXPECT_EQ(executor.status(orphan).state, spackext::JobState::running);
  auto r = runner.resume(id, executor, nullptr);
  EXPECT_EQ(r.status, "succeeded");
  EXPECT_EQ(dead_hosts.status(orphan).state, spackext::JobState::succeeded);  // left to finish
  EXPECT_EQ(work("runs.txt"), "orphan\nrun\n");  // one after the other
  EXPECT_EQ(db.attempts(id)[0].native_id, orphan);
  EXPECT_EQ(nodes(id)["only"].attempts, 2);
}
