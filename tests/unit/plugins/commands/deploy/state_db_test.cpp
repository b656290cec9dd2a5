// The state database: schema version and migration from the unversioned
// schema, the journal chosen by filesystem, and the atomic claim that keeps
// two hosts (or two resumes) from running one deployment.
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <thread>

#include "deployment_runner.hpp"
#include "local_executor.hpp"
#include "state_db.hpp"
#include "state_filesystem.hpp"
#include "spackext/errors.hpp"
#include "spackext_testing/testing.hpp"

extern char** environ;

namespace sd = spackext::deploy;
namespace fs = std::filesystem;
using spackext::ProcessIdentity;
using spackext::testing::read_file;
using spackext::testing::TempDir;
using spackext::testing::write_file;

namespace {

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no exception";
}

// Loads the dump of a database written by the code before schema versions.
void load_v1_database(const fs::path& file, const fs::path& root) {
  auto sql = read_file(spackext::testing::source_dir() / "tests/unit/plugins/commands/deploy/data/state-schema-v1.sql");
  for (auto at = sql.find("@ROOT@"); at != std::string::npos; at = sql.find("@ROOT@", at))
    sql.replace(at, 6, root.string());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

sd::DeploymentRecord record(const std::string& owner) {
  sd::DeploymentRecord d;
  d.name = "t";
  d.config_path = "deploy.yaml";
  d.executor = "local";
  d.owner = owner;
  return d;
}

// A process identity that is provably not running: this host, a PID, and a
// start time no process has.
ProcessIdentity dead_here() {
  auto me = spackext::current_process();
  me.start += "0";
  return me;
}

}  // namespace

TEST(StateDb, NewDatabaseHasTheCurrentSchemaVersion) {
  TempDir tmp;
  sd::StateDb db(tmp / "deploy.db");
  EXPECT_EQ(db.schema_version(), sd::kStateSchemaVersion);
  EXPECT_EQ(db.journal_mode(), "wal");  // a local folder
}

TEST(StateDb, DatabaseOfTheUnversionedSchemaOpensMigratesAndResumes) {
  TempDir tmp;
  load_v1_database(tmp / "deploy.db", tmp.path());
  write_file(tmp / "deploy.yaml", "deployment: {name: legacy, base_path: work}\nstages:\n"
                                  "  - {name: a, run: [\"echo a >> runs.txt\"]}\n"
                                  "  - {name: b, depends: [a], run: [\"echo b >> runs.txt\"]}\n");
  fs::create_directories(tmp / "work");
  {
    sd::StateDb db(tmp / "deploy.db");
    EXPECT_EQ(db.schema_version(), sd::kStateSchemaVersion);
    auto all = db.deployments();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].status, "succeeded");
    EXPECT_EQ(all[1].status, "running");
    EXPECT_EQ(all[1].host_pid, 4194304);
    EXPECT_EQ(all[1].owner, "");
    EXPECT_EQ(db.recorded_durations("legacy").at("a"), 0.5);
    EXPECT_EQ(db.artifacts(1).size(), 1u);
    auto attempts = db.attempts(2);
    ASSERT_EQ(attempts.size(), 2u);
    EXPECT_EQ(attempts[1].state, "running");
    EXPECT_EQ(attempts[1].token, "");
    // Its host (PID 4194304, above any pid_max) is gone: resume takes it over.
    spackext::Bus bus;
    sd::DeploymentRunner runner(db, bus, tmp / "logs");
    spackext::executors::LocalExecutor executor;
    auto r = runner.resume(2, executor, nullptr);
    EXPECT_EQ(r.status, "succeeded");
    EXPECT_EQ(read_file(tmp / "work" / "runs.txt"), "b\n");  // a had succeeded
    EXPECT_EQ(db.nodes(2)[1].attempts, 2);
  }
  // Opening again is a no-op.
  sd::StateDb again(tmp / "deploy.db");
  EXPECT_EQ(again.schema_version(), sd::kStateSchemaVersion);
  EXPECT_EQ(again.deployment(2)->status, "succeeded");
}

TEST(StateDb, NewerSchemaIsRefusedWithAHint) {
  TempDir tmp;
  { sd::StateDb db(tmp / "deploy.db"); }
  sqlite3* raw = nullptr;
  sqlite3_open((tmp / "deploy.db").c_str(), &raw);
  sqlite3_exec(raw, "PRAGMA user_version=99", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  auto msg = message_of([&] { sd::StateDb db(tmp / "deploy.db"); });
  EXPECT_NE(msg.find("schema version 99, newer than this spack-ext understands"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--state-db"), std::string::npos) << msg;
}

TEST(StateFilesystem, NetworkFilesystemsAreRecognisedByTheirMagic) {
  EXPECT_EQ(sd::network_filesystem_name(0x6969), "nfs");
  EXPECT_EQ(sd::network_filesystem_name(0x47504653), "gpfs");
  EXPECT_EQ(sd::network_filesystem_name(0x0BD00BD0), "lustre");
  EXPECT_EQ(sd::network_filesystem_name(0xFF534D42), "cifs");
  EXPECT_EQ(sd::network_filesystem_name(0xEF53), "");      // ext4
  EXPECT_EQ(sd::network_filesystem_name(0x01021994), "");  // tmpfs
  EXPECT_EQ(sd::network_filesystem_name(0x58465342), "");  // xfs
}

TEST(StateFilesystem, ALocalFolderIsLocalAndAMissingOneIsAnError) {
  TempDir tmp;
  EXPECT_EQ(sd::network_filesystem_of(tmp.path()), "");
  EXPECT_THROW(sd::network_filesystem_of(tmp / "no-such-folder"), spackext::Error);
}

// A real shared-filesystem mount: this machine's kernel has no NFS (client
// or server), so a FUSE mount (bindfs of a temp folder) stands in; FUSE
// filesystems may be remote (sshfs, gcsfuse, ...) and get the same
// treatment as NFS. bindfs runs in the foreground as the test's child and
// is stopped by unmounting, then waited for by its PID.
TEST(StateFilesystem, ADatabaseOnAFuseMountUsesARollbackJournal) {
  auto which = spackext::testing::run({"/bin/sh", "-c", "command -v bindfs"});
  if (which.exit_code != 0) GTEST_SKIP() << "bindfs is not installed (scripts/deps/deploy.txt)";
  const std::string bindfs = which.out.substr(0, which.out.find('\n'));
  TempDir tmp;
  fs::create_directories(tmp / "src");
  fs::create_directories(tmp / "mnt");
  std::vector<std::string> argv{bindfs, "-f", "--no-allow-other", (tmp / "src").string(), (tmp / "mnt").string()};
  std::vector<char*> a;
  for (auto& s : argv) a.push_back(s.data());
  a.push_back(nullptr);
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, a[0], nullptr, nullptr, a.data(), environ), 0);
  bool mounted = false;
  for (int i = 0; i < 250 && !mounted; ++i) {
    mounted = sd::network_filesystem_of(tmp / "mnt") == "fuse";
    if (!mounted) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (mounted) {
    {
      sd::StateDb db(tmp / "mnt" / "deploy.db");
      EXPECT_EQ(db.journal_mode(), "delete");
      db.create_deployment(record(""), {{"a", "a"}});
    }
    sd::StateDb again(tmp / "mnt" / "deploy.db");
    EXPECT_EQ(again.deployments().size(), 1u);
    EXPECT_TRUE(fs::exists(tmp / "src" / "deploy.db"));  // it went through the mount
    EXPECT_FALSE(fs::exists(tmp / "src" / "deploy.db-wal"));
  }
  spackext::testing::run({"/bin/sh", "-c", "fusermount -u \"$0\"", (tmp / "mnt").string()});
  int st = 0;
  ::waitpid(pid, &st, 0);
  ASSERT_TRUE(mounted) << "bindfs did not mount " << (tmp / "mnt");
}

// Forcing the rollback journal (deploy.state_journal: rollback) on a local disk.
TEST(StateDb, RollbackJournalCanBeForced) {
  TempDir tmp;
  sd::StateDb db(tmp / "deploy.db", sd::StateDb::Journal::rollback);
  EXPECT_EQ(db.journal_mode(), "delete");
}

// The claim is one write transaction: the check and the take-over cannot
// be split by another process (on main they were separate steps, so two
// resumes both found the host dead and both ran every stage).
TEST(StateDbClaim, RefusedWhileTheOwnerProvablyRuns) {
  TempDir tmp;
  sd::StateDb db(tmp / "deploy.db");
  auto me = spackext::current_process();
  auto id = db.create_deployment(record(me.str()), {{"a", "a"}});
  auto msg = message_of([&] { db.claim(id, dead_here(), false); });
  EXPECT_NE(msg.find("is still running (host process " + std::to_string(me.pid) + ")"), std::string::npos) << msg;
  EXPECT_EQ(db.deployment(id)->owner, me.str());
}

TEST(StateDbClaim, TakenFromAnOwnerThatIsGone) {
  TempDir tmp;
  sd::StateDb db(tmp / "deploy.db");
  auto gone = dead_here();
  auto id = db.create_deployment(record(gone.str()), {{"a", "a"}});
  db.set_status(id, "failed", true);
  db.set_status(id, "running", false);
  auto me = spackext::current_process();
  EXPECT_EQ(db.claim(id, me, false), gone.str());
  auto rec = db.deployment(id);
  EXPECT_EQ(rec->owner, me.str());
  EXPECT_EQ(rec->status, "running");
  EXPECT_EQ(rec->finished_at, "");
}

TEST(StateDbClaim, AnotherHostsOwnerNeedsTakeover) {
  TempDir tmp;
  sd::StateDb db(tmp / "deploy.db");
  ProcessIdentity elsewhere{"some-other-login-node", 4242, "boot:1"};
  auto id = db.create_deployment(record(elsewhere.str()), {{"a", "a"}});
  auto me = spackext::current_process();
  auto msg = message_of([&] { db.claim(id, me, false); });
  EXPECT_NE(msg.find("on host some-other-login-node (process 4242)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--takeover"), std::string::npos) << msg;
  EXPECT_EQ(db.claim(id, me, true), elsewhere.str());
}

TEST(StateDbClaim, FinishedDeploymentsAreNotResumed) {
  TempDir tmp;
  sd::StateDb db(tmp / "deploy.db");
  auto id = db.create_deployment(record(dead_here().str()), {{"a", "a"}});
  db.set_status(id, "succeeded", true);
  EXPECT_THROW(db.claim(id, spackext::current_process(), false), spackext::InputError);
  EXPECT_THROW(db.claim(id + 1, spackext::current_process(), false), spackext::InputError);
}

// Two processes claim at once through their own connections: exactly one
// gets it. Each child claims through a fresh StateDb after a shared start
// signal; the first to commit owns the deployment and stays alive.
TEST(StateDbClaim, OfTwoSimultaneousClaimsExactlyOneWins) {
  TempDir tmp;
  auto id = sd::StateDb(tmp / "deploy.db").create_deployment(record(dead_here().str()), {{"a", "a"}});
  int go[2], done[2];
  ASSERT_EQ(::pipe(go), 0);
  ASSERT_EQ(::pipe(done), 0);
  std::vector<pid_t> children;
  for (int i = 0; i < 2; ++i) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      char c;
      ::close(go[1]);
      if (::read(go[0], &c, 1) != 1) ::_exit(3);
      int code = 1;
      try {
        sd::StateDb db(tmp / "deploy.db");
        db.claim(id, spackext::current_process(), false);
        code = 0;
      } catch (const std::exception&) {
      }
      // Report, then stay alive (as a running host would) until told to go.
      char r = static_cast<char>('0' + code);
      if (::write(done[1], &r, 1) != 1) ::_exit(3);
      ::sleep(5);
      ::_exit(code);
    }
    children.push_back(pid);
  }
  ::close(go[0]);
  ASSERT_EQ(::write(go[1], "xx", 2), 2);  // both start together
  std::string results;
  for (int i = 0; i < 2; ++i) {
    char r;
    ASSERT_EQ(::read(done[0], &r, 1), 1);
    results += r;
  }
  for (pid_t pid : children) ::kill(pid, SIGKILL);
  for (pid_t pid : children) ::waitpid(pid, nullptr, 0);
  std::sort(results.begin(), results.end());
  EXPECT_EQ(results, "01");
}
