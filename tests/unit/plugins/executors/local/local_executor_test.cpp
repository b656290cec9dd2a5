// The local executor with real processes: logs, environment, exit codes,
// working directory, and cancellation of a whole process group.
#include <gtest/gtest.h>

#include <signal.h>

#include <thread>

#include "local_executor.hpp"
#include "spackext/process_identity.hpp"
#include "spackext_testing/testing.hpp"

using spackext::JobState;
using spackext::StageJob;
using spackext::executors::LocalExecutor;
using spackext::testing::read_file;
using spackext::testing::TempDir;

namespace {

std::string wait_for(LocalExecutor& ex, const std::string& id) {
  for (int i = 0; i < 600; ++i) {
    auto done = ex.wait_any({id}, std::chrono::milliseconds(100));
    if (!done.empty()) return done[0];
  }
  return {};
}

StageJob job(const TempDir& tmp, std::string id, std::vector<std::string> commands) {
  StageJob j;
  j.id = id;
  j.commands = std::move(commands);
  j.workdir = (tmp / "work").string();
  j.log_path = (tmp / "logs" / (id + ".log")).string();
  return j;
}

}  // namespace

TEST(LocalExecutor, RunsCommandsInOrderWithEnvironmentAndLog) {
  TempDir tmp;
  LocalExecutor ex;
  auto j = job(tmp, "a", {"echo first $GREETING", "pwd > where.txt", "echo second >&2"});
  j.environment["GREETING"] = "hello";
  auto id = ex.submit(j);
  ASSERT_EQ(wait_for(ex, id), id);
  auto st = ex.status(id);
  EXPECT_EQ(st.state, JobState::succeeded);
  EXPECT_EQ(st.exit_code, 0);
  EXPECT_EQ(read_file(tmp / "logs" / "a.log"), "first hello\nsecond\n");
  EXPECT_EQ(read_file(tmp / "work" / "where.txt"), (tmp / "work").string() + "\n");
}

TEST(LocalExecutor, FirstFailingCommandFailsTheJob) {
  TempDir tmp;
  LocalExecutor ex;
  auto id = ex.submit(job(tmp, "b", {"echo before", "exit 3", "echo never"}));
  ASSERT_EQ(wait_for(ex, id), id);
  auto st = ex.status(id);
  EXPECT_EQ(st.state, JobState::failed);
  EXPECT_EQ(st.exit_code, 3);
  EXPECT_EQ(read_file(tmp / "logs" / "b.log"), "before\n");
}

TEST(LocalExecutor, WaitAnyReturnsOnlyFinishedJobs) {
  TempDir tmp;
  LocalExecutor ex;
  auto slow = ex.submit(job(tmp, "slow", {"sleep 30"}));
  auto fast = ex.submit(job(tmp, "fast", {"true"}));
  EXPECT_EQ(wait_for(ex, fast), fast);
  EXPECT_EQ(ex.status(slow).state, JobState::running);
  ex.set_grace(std::chrono::milliseconds(500));
  ex.cancel(slow);
  EXPECT_EQ(ex.status(slow).state, JobState::cancelled);
}

TEST(LocalExecutor, CancelStopsTheWholeProcessGroup) {
  TempDir tmp;
  LocalExecutor ex;
  // The stage starts a grandchild and records its PID; cancelling must stop it too.
  auto id = ex.submit(job(tmp, "tree", {"sleep 60 & echo $! > child.pid; wait"}));
  auto pidfile = tmp / "work" / "child.pid";
  for (int i = 0; i < 200 && (!std::filesystem::exists(pidfile) || read_file(pidfile).empty()); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  pid_t child = std::stoi(read_file(pidfile));
  ASSERT_EQ(::kill(child, 0), 0);
  ex.cancel(id);
  EXPECT_EQ(ex.status(id).state, JobState::cancelled);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = ::kill(child, 0) != 0;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(gone) << "grandchild " << child << " survived the cancel";
}

TEST(LocalExecutor, UnknownIdsAreHandled) {
  LocalExecutor ex;
  EXPECT_EQ(ex.status("999999999").state, JobState::unknown);
  EXPECT_NO_THROW(ex.cancel("999999999"));
  EXPECT_NO_THROW(ex.cancel("not-a-pid"));
}

// Another process's executor (a resumed host) signals a job of an earlier
// one only with proof it is that job: same host, same PID, same start time.
// A bare PID (recycled by now, or another login node's) is never signalled;
// on main it was, if the process merely carried the executor's marker.
TEST(LocalExecutor, EarlierHostsJobIsSignalledOnlyWithProof) {
  TempDir tmp;
  LocalExecutor first;
  auto id = first.submit(job(tmp, "orphan", {"sleep 60"}));
  auto who = spackext::ProcessIdentity::parse(id);
  ASSERT_TRUE(who) << id;
  EXPECT_EQ(who->host, spackext::host_name());

  LocalExecutor later;
  later.set_grace(std::chrono::milliseconds(500));
  later.cancel(std::to_string(who->pid));                                               // a bare PID
  later.cancel(spackext::ProcessIdentity{who->host, who->pid, who->start + "1"}.str());  // recycled
  later.cancel(spackext::ProcessIdentity{"another-node", who->pid, who->start}.str());   // elsewhere
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(first.status(id).state, JobState::running);

  later.cancel(id);  // the proof
  for (int i = 0; i < 200 && first.status(id).state == JobState::running; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(first.status(id).state, JobState::failed);  // killed by SIGTERM, from outside
}
