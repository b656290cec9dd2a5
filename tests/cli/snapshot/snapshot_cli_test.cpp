// `spack-ext snapshot` through the real host: the documented commands run
// verbatim and in order on an environment named `production` (found under
// Spack's environments root), made from the environment Spack concretized in
// the shared fixtures; then bad input and a corrupt store.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
using spackext::testing::read_file;
using spackext::testing::run_host;
using spackext::testing::RunOptions;
using spackext::testing::TempDir;
using spackext::testing::write_file;

class SnapshotCli : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fixture = spackext::testing::shared_fixture("fixtures/spack/env");
    if (!fixture) GTEST_SKIP() << "shared fixture 'fixtures/spack/env' not found (expected ../shared beside the checkout)";
    source = *fixture;
    env = tmp / "spack/var/spack/environments/production";
    fs::create_directories(env);
    write_file(env / "spack.yaml", read_file(source / "spack.yaml"));
    write_file(env / "spack.lock", read_file(source / "spack.lock"));
  }
  spackext::testing::RunResult host(const std::vector<std::string>& args) {
    RunOptions o;
    o.env["SPACK_ROOT"] = (tmp / "spack").string();
    return run_host(args, tmp.path(), o);
  }
  std::string id_of(const spackext::testing::RunResult& r) {
    auto pos = r.out.find("snap_");
    return pos == std::string::npos ? "" : r.out.substr(pos, 17);
  }
  // An "upgrade": peerlib moves to a new version under a new hash.
  void upgrade() {
    auto lock = nlohmann::json::parse(read_file(env / "spack.lock"));
    auto& specs = lock["concrete_specs"];
    auto peerlib = specs["fe2xtrzeuj3aptrt5see46vcskdgwfht"];
    specs.erase("fe2xtrzeuj3aptrt5see46vcskdgwfht");
    peerlib["version"] = "1.1";
    peerlib["hash"] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    specs["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"] = peerlib;
    write_file(env / "spack.lock", lock.dump());
    write_file(env / "spack.yaml", read_file(source / "spack.yaml") + "  # upgraded\n");
  }
  TempDir tmp;
  fs::path source, env;
};

TEST_F(SnapshotCli, DocumentedCommandsInOrder) {
  auto r = host({"snapshot", "create", "pre-upgrade", "--env", "production", "--desc", "Before compiler upgrade"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string before = id_of(r);
  ASSERT_EQ(before.size(), 17u) << r.out;
  upgrade();
  r = host({"snapshot", "create", "post-upgrade", "--env", "production"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string after = id_of(r);

  r = host({"snapshot", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(before), std::string::npos);
  EXPECT_NE(r.out.find("Before compiler upgrade"), std::string::npos);

  r = host({"snapshot", "diff", before, after});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("~ peerlib: version 1.0 -> 1.1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0 added, 0 removed, 1 changed, 6 the same"), std::string::npos) << r.out;

  r = host({"snapshot", "restore", before, "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("would restore " + before), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Spack must install 1 spec"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("peerlib@1.0 /fe2xtrz"), std::string::npos) << r.out;
  EXPECT_NE(read_file(env / "spack.lock"), read_file(source / "spack.lock"));  // untouched

  r = host({"snapshot", "restore", before});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(env / "spack.lock"), read_file(source / "spack.lock"));
  EXPECT_EQ(read_file(env / "spack.yaml"), read_file(source / "spack.yaml"));
  auto undo = r.out.find("undo with: spack-ext snapshot restore ");
  ASSERT_NE(undo, std::string::npos) << r.out;

  // The restore made a pre-restore snapshot; diffing it against the
  // environment now shows the upgrade being undone.
  r = host({"snapshot", "list", "--json"});
  auto listed = nlohmann::json::parse(r.out);
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0]["kind"], "pre-restore");
  r = host({"snapshot", "diff", listed[0]["id"].get<std::string>(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto d = nlohmann::json::parse(r.out);
  ASSERT_EQ(d["changed"].size(), 1u);
  EXPECT_EQ(d["changed"][0]["changes"]["version"], "1.1 -> 1.0");
}

TEST_F(SnapshotCli, ExportImportAndCleanup) {
  auto r = host({"snapshot", "create", "one", "--env", env.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string id = id_of(r);
  r = host({"snapshot", "export", id, (tmp / "one.tar.gz").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Into a fresh state dir (another machine).
  TempDir other;
  RunOptions o;
  auto imported = run_host({"snapshot", "import", (tmp / "one.tar.gz").string()}, other.path(), o);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("imported " + id), std::string::npos);
  auto shown = run_host({"snapshot", "show", id, "--json"}, other.path(), o);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(nlohmann::json::parse(shown.out)["specs"], 7);

  upgrade();
  ASSERT_EQ(host({"snapshot", "create", "two", "--env", env.string()}).exit_code, 0);
  r = host({"snapshot", "cleanup", "--keep-last", "1", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("would remove " + id), std::string::npos) << r.out;
  r = host({"snapshot", "cleanup", "--keep-last", "1", "--older-than", "30d"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("0 removed, 2 kept"), std::string::npos) << r.out;  // both are younger than 30 days
  r = host({"snapshot", "cleanup", "--keep-last", "1"});
  EXPECT_NE(r.out.find("1 removed, 1 kept"), std::string::npos) << r.out;
}

TEST_F(SnapshotCli, BadInputAndCorruption) {
  auto r = host({"snapshot", "create", "x", "--env", "no-such-env"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no such environment"), std::string::npos) << r.err;
  r = host({"snapshot", "create", "x", "--env", (tmp / "missing").string()});
  EXPECT_EQ(r.exit_code, 2);
  r = host({"snapshot", "restore", "snap_000000000000"});
  EXPECT_EQ(r.exit_code, 2);
  r = host({"snapshot", "cleanup"});
  EXPECT_EQ(r.exit_code, 2);
  r = host({"snapshot", "cleanup", "--older-than", "soon"});
  EXPECT_EQ(r.exit_code, 2);
  r = host({"snapshot", "import", (tmp / "nothing.tar.gz").string()});
  EXPECT_EQ(r.exit_code, 2);

  write_file(env / "spack.lock", "{\"not\": \"a lockfile\"}");
  r = host({"snapshot", "create", "x", "--env", "production"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("spack.lock"), std::string::npos) << r.err;
  write_file(env / "spack.lock", read_file(source / "spack.lock"));

  r = host({"snapshot", "create", "good", "--env", "production"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string id = id_of(r);
  // Damage every stored object: restore and export refuse, exit 1.
  for (const auto& e : fs::recursive_directory_iterator(tmp / ".local/state/spack-ext/snapshots/objects")) {
    if (!e.is_regular_file()) continue;
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
    write_file(e.path(), read_file(e.path()) + "x");
  }
  upgrade();
  r = host({"snapshot", "restore", id});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is corrupt"), std::string::npos) << r.err;
  EXPECT_NE(read_file(env / "spack.lock"), read_file(source / "spack.lock"));  // nothing replaced
  r = host({"snapshot", "export", id, (tmp / "x.tar.gz").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(fs::exists(tmp / "x.tar.gz"));
}

}  // namespace
