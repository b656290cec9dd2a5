// Two runs of `snapshot create`, `import` or `restore` at the same time: the
// catalog stays readable and lists only complete snapshots, each created
// snapshot is there once, and a restore raced by another ends with the
// snapshot's files in place (the loser refuses cleanly or finds nothing to do).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "output_tree.hpp"

namespace spackext::faults {
namespace {

namespace st = spackext::testing;

class SnapshotConcurrency : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fixture = st::shared_fixture("fixtures/spack/env");
    if (!fixture) GTEST_SKIP() << "shared fixture 'fixtures/spack/env' not found (expected ../shared beside the checkout)";
    source = *fixture;
    make_env(false);
  }
  void make_env(bool upgraded) {
    st::write_file(env / "spack.yaml", st::read_file(source / "spack.yaml") + (upgraded ? "  # upgraded\n" : ""));
    st::write_file(env / "spack.lock", st::read_file(source / "spack.lock"));
  }
  std::vector<std::string> listed_ids() {
    auto r = st::run_host({"snapshot", "list", "--json"}, home.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> ids;
    for (const auto& s : nlohmann::json::parse(r.out)) {
      ids.push_back(s["id"]);
      // Every object of a listed snapshot is there and intact.
      auto e = st::run_host({"snapshot", "export", ids.back(), (home / "check.tar.gz").string()}, home.path());
      EXPECT_EQ(e.exit_code, 0) << ids.back() << ": " << e.err;
    }
    return ids;
  }
  std::string create(const std::string& name) {
    auto r = st::run_host({"snapshot", "create", name, "--env", env.string(), "--json"}, home.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out)["id"];
  }

  st::TempDir home{"spackext-faults-snapshot"};
  const fs::path env = home / "env";
  fs::path source;
};

TEST_F(SnapshotConcurrency, CreatesBothLand) {
  const std::vector<std::string> a{"snapshot", "create", "a", "--env", env.string()};
  const std::vector<std::string> b{"snapshot", "create", "b", "--env", env.string()};
  for (const auto& r : run_concurrently({a, b}, home.path())) EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(listed_ids().size(), 2u);
}

TEST_F(SnapshotConcurrency, ImportsOfOneArchiveGiveOneSnapshot) {
  const std::string id = create("s");
  const fs::path archive = home / "s.tar.gz";
  ASSERT_EQ(st::run_host({"snapshot", "export", id, archive.string()}, home.path()).exit_code, 0);
  st::TempDir other{"spackext-faults-snapshot-import"};
  const std::vector<std::string> import{"snapshot", "import", archive.string()};
  for (const auto& r : run_concurrently({import, import, import}, other.path())) EXPECT_EQ(r.exit_code, 0) << r.err;
  auto r = st::run_host({"snapshot", "list", "--json"}, other.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto listed = nlohmann::json::parse(r.out);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["id"], id);
}

TEST_F(SnapshotConcurrency, RacingRestoresEndWithTheSnapshotsFiles) {
  const std::string id = create("before");
  make_env(true);
  const std::vector<std::string> restore{"snapshot", "restore", id};
  int succeeded = 0;
  for (const auto& r : run_concurrently({restore, restore}, home.path())) {
    if (r.exit_code == 0) {
      ++succeeded;
    } else {
      // The loser saw the environment locked by the winner: a clear refusal.
      EXPECT_EQ(r.exit_code, 1) << r.err;
      EXPECT_NE(r.err.find("is being modified"), std::string::npos) << r.err;
    }
  }
  EXPECT_GE(succeeded, 1);
  EXPECT_EQ(st::read_file(env / "spack.yaml"), st::read_file(source / "spack.yaml"));
  EXPECT_EQ(st::read_file(env / "spack.lock"), st::read_file(source / "spack.lock"));
  EXPECT_FALSE(fs::exists(env / ".spack-ext-restore.json"));
  listed_ids();  // the pre-restore snapshots are complete too
}

}  // namespace
}  // namespace spackext::faults
