// kill -9 at every rename and unlink of `snapshot create`, `restore` and
// `import` (the LD_PRELOAD hook in tests/faults/kill_hook): afterwards the
// catalog reads, every listed snapshot has all its files intact, the
// environment holds the old files or the new ones (a journal left by a killed
// restore is finished by the next snapshot command), and a rerun completes.
#include <gtest/gtest.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
using spackext::testing::read_file;
using spackext::testing::run_host;
using spackext::testing::RunOptions;
using spackext::testing::RunResult;
using spackext::testing::TempDir;
using spackext::testing::write_file;

class SnapshotKill : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fixture = spackext::testing::shared_fixture("fixtures/spack/env");
    if (!fixture) GTEST_SKIP() << "shared fixture 'fixtures/spack/env' not found (expected ../shared beside the checkout)";
    source = *fixture;
  }
  static void make_env(const fs::path& env, const fs::path& source, bool upgraded) {
    fs::create_directories(env);
    write_file(env / "spack.yaml", read_file(source / "spack.yaml") + (upgraded ? "  # upgraded\n" : ""));
    write_file(env / "spack.lock", read_file(source / "spack.lock"));
  }
  RunResult host(const fs::path& home, const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) {
    RunOptions o;
    o.env = std::move(env);
    return run_host(args, home, o);
  }
  // How many renames and unlinks a command makes.
  long moments(const fs::path& home, const std::vector<std::string>& args) {
    const fs::path counts = home / "counts.txt";
    auto r = host(home, args, {{"LD_PRELOAD", spackext::testing::kill_hook_library().string()},
                               {"SPACKEXT_KILL_COUNT_FILE", counts.string()}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::smatch m;
    const std::string text = read_file(counts);
    std::regex re("renames=(\\d+) unlinks=(\\d+)");
    EXPECT_TRUE(std::regex_search(text, m, re)) << text;
    return std::stol(m[1]) + std::stol(m[2]);
  }
  RunResult killed_at(const fs::path& home, const std::vector<std::string>& args, long n) {
    return host(home, args, {{"LD_PRELOAD", spackext::testing::kill_hook_library().string()},
                             {"SPACKEXT_KILL_BEFORE", "any:" + std::to_string(n)}});
  }
  // Every snapshot the catalog lists has all its objects, intact.
  std::vector<std::string> check_catalog(const fs::path& home) {
    auto r = host(home, {"snapshot", "list", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> ids;
    for (const auto& s : nlohmann::json::parse(r.out)) {
      const std::string id = s["id"];
      ids.push_back(id);
      auto e = host(home, {"snapshot", "export", id, (home / (id + ".tar.gz")).string()});
      EXPECT_EQ(e.exit_code, 0) << id << ": " << e.err;
    }
    return ids;
  }
  fs::path source;
};

TEST_F(SnapshotKill, CreateKilledAtEveryMoment) {
  TempDir probe;
  make_env(probe / "env", source, false);
  const long total = moments(probe.path(), {"snapshot", "create", "s", "--env", (probe / "env").string()});
  ASSERT_GT(total, 1);
  for (long n = 1; n <= total; ++n) {
    TempDir home;
    make_env(home / "env", source, false);
    auto r = killed_at(home.path(), {"snapshot", "create", "s", "--env", (home / "env").string()}, n);
    EXPECT_EQ(r.signal, 9) << "moment " << n << ": " << r.err;
    auto ids = check_catalog(home.path());
    EXPECT_LE(ids.size(), 1u);
    auto again = host(home.path(), {"snapshot", "create", "s2", "--env", (home / "env").string()});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(check_catalog(home.path()).size(), ids.size() + 1);
  }
}

TEST_F(SnapshotKill, RestoreKilledAtEveryMoment) {
  auto setup = [&](const fs::path& home) {
    make_env(home / "env", source, false);
    auto r = host(home, {"snapshot", "create", "before", "--env", (home / "env").string(), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    make_env(home / "env", source, true);
    return nlohmann::json::parse(r.out)["id"].get<std::string>();
  };
  TempDir probe;
  const std::string probe_id = setup(probe.path());
  const long total = moments(probe.path(), {"snapshot", "restore", probe_id});
  ASSERT_GT(total, 1);
  const std::string old_yaml = read_file(source / "spack.yaml") + "  # upgraded\n", new_yaml = read_file(source / "spack.yaml");
  for (long n = 1; n <= total; ++n) {
    TempDir home;
    const std::string id = setup(home.path());
    auto r = killed_at(home.path(), {"snapshot", "restore", id}, n);
    EXPECT_EQ(r.signal, 9) << "moment " << n << ": " << r.err;
    const std::string yaml = read_file(home / "env/spack.yaml");
    const bool journal = fs::exists(home / "env/.spack-ext-restore.json");
    // Old or new; a mix only while the journal says the restore must finish.
    EXPECT_TRUE(yaml == old_yaml || yaml == new_yaml || journal) << "moment " << n;
    check_catalog(home.path());
    auto again = host(home.path(), {"snapshot", "restore", id});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(read_file(home / "env/spack.yaml"), new_yaml) << "moment " << n;
    EXPECT_EQ(read_file(home / "env/spack.lock"), read_file(source / "spack.lock")) << "moment " << n;
    EXPECT_FALSE(fs::exists(home / "env/.spack-ext-restore.json"));
  }
}

TEST_F(SnapshotKill, ImportKilledAtEveryMoment) {
  TempDir origin;
  make_env(origin / "env", source, false);
  auto c = host(origin.path(), {"snapshot", "create", "s", "--env", (origin / "env").string(), "--json"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const std::string id = nlohmann::json::parse(c.out)["id"];
  const fs::path archive = origin / "s.tar.gz";
  ASSERT_EQ(host(origin.path(), {"snapshot", "export", id, archive.string()}).exit_code, 0);
  TempDir probe;
  const long total = moments(probe.path(), {"snapshot", "import", archive.string()});
  ASSERT_GT(total, 1);
  for (long n = 1; n <= total; ++n) {
    TempDir home;
    auto r = killed_at(home.path(), {"snapshot", "import", archive.string()}, n);
    EXPECT_EQ(r.signal, 9) << "moment " << n << ": " << r.err;
    auto ids = check_catalog(home.path());
    EXPECT_TRUE(ids.empty() || ids == std::vector<std::string>{id});
    auto again = host(home.path(), {"snapshot", "import", archive.string()});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(check_catalog(home.path()), std::vector<std::string>{id});
  }
}

}  // namespace
