// Snapshots of the real environment Spack 1.1 concretized (shared fixture
// env/): create reads it in place; restore works on a copy in a temp folder.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "environment.hpp"
#include "snapshot_service.hpp"
#include "spackext/errors.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
using namespace spackext::snapshot;
using spackext::testing::read_file;
using spackext::testing::TempDir;
using spackext::testing::write_file;

void copy_env(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  write_file(to / "spack.yaml", read_file(from / "spack.yaml"));
  write_file(to / "spack.lock", read_file(from / "spack.lock"));
}

TEST(SnapshotService, CreateReadsTheEnvironmentInPlace) {
  SPACKEXT_REQUIRE_FIXTURE(env, "fixtures/spack/env");
  TempDir tmp;
  SnapshotService s(tmp / "snapshots");
  auto r = s.create("pre-upgrade", env, "Before compiler upgrade", std::nullopt);
  EXPECT_EQ(r.id.size(), 5u + 12u);
  EXPECT_EQ(r.id.rfind("snap_", 0), 0u);
  EXPECT_EQ(r.spack_yaml, sha256_hex(read_file(env / "spack.yaml")));
  EXPECT_EQ(r.spack_lock, sha256_hex(read_file(env / "spack.lock")));
  auto specs = s.specs_of(r);
  // The fixture README lists the DAG hashes Spack wrote.
  EXPECT_EQ(specs.size(), 7u);
  EXPECT_EQ(specs.at("5hn2gvdnbmne734ml6ionv2ba7cemxgl").name, "peerhello");
  EXPECT_EQ(specs.roots().size(), 2u);
  EXPECT_EQ(s.require("pre-upgrade").id, r.id);
  EXPECT_EQ(s.require(r.id.substr(0, 9)).id, r.id);
  EXPECT_THROW(s.require("nothing"), spackext::InputError);
}

TEST(SnapshotService, RestoreIsUndoable) {
  SPACKEXT_REQUIRE_FIXTURE(fixture, "fixtures/spack/env");
  TempDir tmp;
  const fs::path env = tmp / "env";
  copy_env(fixture, env);
  SnapshotService s(tmp / "snapshots");
  auto before = s.create("before", env, "", std::nullopt);
  // An "upgrade": a different spack.yaml and no lockfile yet.
  write_file(env / "spack.yaml", "spack:\n  specs: [peerhello]\n");
  fs::remove(env / "spack.lock");
  auto plan = s.plan_restore(before, env);
  EXPECT_TRUE(plan.yaml_changes);
  EXPECT_TRUE(plan.lock_changes);
  EXPECT_EQ(plan.to_install.size(), 5u);  // every non-external node of the fixture (gcc, glibc are external)
  auto pre = s.restore(plan);
  EXPECT_EQ(read_file(env / "spack.yaml"), read_file(fixture / "spack.yaml"));
  EXPECT_EQ(read_file(env / "spack.lock"), read_file(fixture / "spack.lock"));
  EXPECT_FALSE(fs::exists(restore_journal(env)));
  ASSERT_FALSE(pre.empty());
  // Undo: the pre-restore snapshot brings the upgrade back.
  s.restore(s.plan_restore(s.require(pre), env));
  EXPECT_EQ(read_file(env / "spack.yaml"), "spack:\n  specs: [peerhello]\n");
  EXPECT_FALSE(fs::exists(env / "spack.lock"));
  EXPECT_TRUE(s.plan_restore(s.require(pre), env).up_to_date());
}

TEST(SnapshotService, CorruptObjectIsReportedNotRestored) {
  SPACKEXT_REQUIRE_FIXTURE(fixture, "fixtures/spack/env");
  TempDir tmp;
  copy_env(fixture, tmp / "env");
  SnapshotService s(tmp / "snapshots");
  auto r = s.create("x", tmp / "env", "", std::nullopt);
  write_file(tmp / "env/spack.yaml", "spack: {specs: []}\n");
  auto object = s.store().path_of(r.spack_lock);
  fs::permissions(object, fs::perms::owner_write, fs::perm_options::add);
  std::string bytes = read_file(object);
  bytes[10] ^= 1;
  write_file(object, bytes);
  try {
    s.plan_restore(r, tmp / "env");
    FAIL() << "corruption not noticed";
  } catch (const spackext::Error& e) {
    EXPECT_NE(std::string(e.what()).find("is corrupt"), std::string::npos);
    EXPECT_EQ(e.exit_code(), 1);
  }
  EXPECT_EQ(read_file(tmp / "env/spack.yaml"), "spack: {specs: []}\n");
}

TEST(SnapshotService, RestoreRefusedWhileSpackHoldsTheEnvironmentLock) {
  SPACKEXT_REQUIRE_FIXTURE(fixture, "fixtures/spack/env");
  TempDir tmp;
  const fs::path env = tmp / "env";
  copy_env(fixture, env);
  SnapshotService s(tmp / "snapshots");
  auto r = s.create("x", env, "", std::nullopt);
  write_file(env / "spack.yaml", "spack: {specs: [zlib]}\n");
  fs::create_directories(env / ".spack-env");
  // fcntl locks belong to processes: a child holds it, as Spack would.
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  if (child == 0) {
    int fd = open((env / ".spack-env/transaction_lock").c_str(), O_RDWR | O_CREAT, 0644);
    struct flock l{};
    l.l_type = F_WRLCK;
    l.l_whence = SEEK_SET;
    fcntl(fd, F_SETLKW, &l);
    (void)!write(ready[1], "x", 1);
    pause();
    _exit(0);
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  auto plan = s.plan_restore(r, env);
  EXPECT_THROW(s.restore(plan), spackext::Error);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  EXPECT_EQ(read_file(env / "spack.yaml"), "spack: {specs: [zlib]}\n");
  s.restore(plan);  // free again
  EXPECT_EQ(read_file(env / "spack.yaml"), read_file(fixture / "spack.yaml"));
}

TEST(SnapshotService, InterruptedRestoreIsFinished) {
  SPACKEXT_REQUIRE_FIXTURE(fixture, "fixtures/spack/env");
  TempDir tmp;
  const fs::path env = tmp / "env";
  copy_env(fixture, env);
  SnapshotService s(tmp / "snapshots");
  auto r = s.create("x", env, "", std::nullopt);
  // What a restore killed after its journal leaves: new yaml, old lock.
  write_file(env / "spack.yaml", read_file(fixture / "spack.yaml"));
  write_file(env / "spack.lock", "{}");
  write_file(restore_journal(env), nlohmann::json{{"snapshot", r.id}, {"spack.yaml", r.spack_yaml}, {"spack.lock", r.spack_lock}}.dump());
  EXPECT_EQ(finish_interrupted_restore(env, s.store()), r.id);
  EXPECT_EQ(read_file(env / "spack.lock"), read_file(fixture / "spack.lock"));
  EXPECT_FALSE(fs::exists(restore_journal(env)));
}

TEST(SnapshotService, CleanupKeepsTheNewestAndDropsUnusedObjects) {
  SPACKEXT_REQUIRE_FIXTURE(fixture, "fixtures/spack/env");
  TempDir tmp;
  const fs::path env = tmp / "env";
  copy_env(fixture, env);
  SnapshotService s(tmp / "snapshots");
  s.create("one", env, "", std::nullopt);
  write_file(env / "spack.yaml", "spack: {specs: [a]}\n");
  s.create("two", env, "", std::nullopt);
  write_file(env / "spack.yaml", "spack: {specs: [b]}\n");
  s.create("three", env, "", std::nullopt);
  auto plan = s.plan_cleanup(1, std::nullopt, std::chrono::system_clock::now());
  ASSERT_EQ(plan.remove.size(), 2u);
  EXPECT_EQ(plan.keep.at(0).name, "three");
  EXPECT_TRUE(s.plan_cleanup(std::nullopt, parse_age("30d"), std::chrono::system_clock::now()).remove.empty());
  EXPECT_EQ(s.plan_cleanup(std::nullopt, parse_age("30d"), std::chrono::system_clock::now() + std::chrono::hours(24 * 31))
                .remove.size(),
            3u);
  s.cleanup(plan);
  EXPECT_EQ(s.catalog().list().size(), 1u);
  // Objects are young (a create may be running), so they stay until an hour has passed.
  EXPECT_EQ(s.store().objects().size(), 4u);
  EXPECT_THROW(parse_age("30 days"), spackext::InputError);
}

TEST(SnapshotService, InstallDatabaseIsRecorded) {
  SPACKEXT_REQUIRE_FIXTURE(env, "fixtures/spack/env");
  TempDir tmp;
  // An install database in Spack's envelope, holding the nodes Spack wrote
  // into the fixture's lockfile.
  auto lock = nlohmann::json::parse(read_file(env / "spack.lock"));
  nlohmann::json installs = nlohmann::json::object();
  for (const auto& [hash, node] : lock["concrete_specs"].items())
    installs[hash] = {{"spec", node}, {"ref_count", 0}, {"installed", true}, {"explicit", false}, {"path", "/opt/x"}};
  const std::string db = nlohmann::json{{"database", {{"version", "8"}, {"installs", installs}}}}.dump();
  write_file(tmp / "tree/.spack-db/index.json", db);
  SnapshotService s(tmp / "snapshots");
  auto r = s.create("with-db", env, "", tmp / "tree");
  EXPECT_EQ(r.install_db, sha256_hex(db));
  EXPECT_EQ(s.store().get(r.install_db), db);
  write_file(tmp / "bad/index.json", "{\"database\": 1}");
  EXPECT_THROW(s.create("bad", env, "", tmp / "bad/index.json"), spackext::InputError);
}

TEST(SnapshotService, MissingEnvironmentIsAnError) {
  TempDir tmp;
  EXPECT_THROW(resolve_environment((tmp / "nope").string(), {}), spackext::InputError);
  EXPECT_THROW(resolve_environment("production", {tmp.path()}), spackext::InputError);
  fs::create_directories(tmp / "production");
  write_file(tmp / "production/spack.yaml", "spack: {specs: []}\n");
  EXPECT_EQ(resolve_environment("production", {tmp / "other", tmp.path()}), tmp / "production");
}

// Spack's own environments root: config:environments_root from the user
// scope over the spack scope, with $spack expanded; else the default.
TEST(SnapshotService, EnvironmentRootsFollowSpacksConfiguration) {
  TempDir tmp;
  const auto spack = tmp / "spack";
  fs::create_directories(spack);
  ::setenv("SPACK_ROOT", spack.c_str(), 1);
  ::setenv("SPACK_USER_CONFIG_PATH", (tmp / "user").c_str(), 1);
  ::setenv("SPACK_SYSTEM_CONFIG_PATH", (tmp / "system").c_str(), 1);
  EXPECT_EQ(environment_roots(""), (std::vector<fs::path>{spack / "var/spack/environments"}));
  write_file(spack / "etc/spack/config.yaml", "config:\n  environments_root: $spack/../envs\n");
  EXPECT_EQ(environment_roots("/site/envs"),
            (std::vector<fs::path>{"/site/envs", spack.string() + "/../envs"}));
  write_file(tmp / "user/config.yaml", "config:\n  environments_root: ${spack}/mine\n");
  EXPECT_EQ(environment_roots(""), (std::vector<fs::path>{spack.string() + "/mine"}));
  fs::create_directories(spack / "mine/production");
  write_file(spack / "mine/production/spack.yaml", "spack: {specs: []}\n");
  EXPECT_EQ(resolve_environment("production", environment_roots("")), spack / "mine/production");
  ::unsetenv("SPACK_ROOT");
  ::unsetenv("SPACK_USER_CONFIG_PATH");
  ::unsetenv("SPACK_SYSTEM_CONFIG_PATH");
}

}  // namespace
