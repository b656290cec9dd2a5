// `spack-ext buildcache check` through the real host and plugins, against
// Spack's lockfile and buildcaches in the shared fixtures. What should be
// present is read from the files Spack wrote (lockfile nodes, indexes).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <spackext_testing/testing.hpp>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using spackext::testing::read_file;
using spackext::testing::run_host;
using spackext::testing::TempDir;
using spackext::testing::write_file;

json json_file(const fs::path& p) { return json::parse(read_file(p)); }

// Hashes the v3 index of a mirror marks in_buildcache (its manifest is JSON
// even when the mirror is signed: Spack never signs the index manifest).
std::set<std::string> in_buildcache_v3(const fs::path& mirror) {
  auto manifest = json_file(mirror / "v3/manifests/index/index.manifest.json");
  std::string sha = manifest["data"][0]["checksum"];
  std::set<std::string> out;
  const auto index = json_file(mirror / "blobs/sha256" / sha.substr(0, 2) / sha);
  for (auto& [h, rec] : index["database"]["installs"].items())
    if (rec["in_buildcache"].get<bool>()) out.insert(h);
  return out;
}

struct Lock {
  std::set<std::string> built, external;
  std::map<std::string, std::string> hash_of;  // name -> hash
};
Lock lock_nodes(const fs::path& lock) {
  Lock out;
  const auto doc = json_file(lock);
  for (auto& [h, node] : doc["concrete_specs"].items()) {
    (node.contains("external") ? out.external : out.built).insert(h);
    out.hash_of[node["name"]] = h;
  }
  return out;
}

// status by hash from --json output
std::map<std::string, std::string> statuses(const json& doc) {
  std::map<std::string, std::string> out;
  for (const auto& s : doc.at("specs")) out[s.at("hash")] = s.at("status");
  return out;
}

void copy_writable(const fs::path& from, const fs::path& to) {
  fs::copy(from, to, fs::copy_options::recursive);
  for (auto& e : fs::recursive_directory_iterator(to))
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
}

class CheckCli : public ::testing::Test {
 protected:
  void add_mirror(const std::string& name, const fs::path& dir) {
    auto r = run_host({"buildcache", "add-mirror", name, dir.string()}, home.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  TempDir home;
};

// The environment's lock against the signed v3 cache (configured, used by
// default): what the index lists is present, the rest missing, exit 1.
TEST_F(CheckCli, LockfileAgainstConfiguredMirrorsJson) {
  SPACKEXT_REQUIRE_FIXTURE(env, "fixtures/spack/env");
  SPACKEXT_REQUIRE_FIXTURE(v3s, "fixtures/spack/buildcache-v3-signed");
  add_mirror("signed", v3s);
  const auto lock = lock_nodes(env / "spack.lock");
  const auto cached = in_buildcache_v3(v3s);
  auto r = run_host({"--json", "buildcache", "check", "--lock", (env / "spack.lock").string()}, home.path());
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;  // the cache was pushed --only package
  const auto doc = json::parse(r.out);
  std::map<std::string, std::string> expected;
  std::size_t present = 0, missing = 0;
  for (const auto& h : lock.built) {
    expected[h] = cached.count(h) ? "present" : "missing";
    ++(cached.count(h) ? present : missing);
  }
  ASSERT_GT(present, 0u);
  ASSERT_GT(missing, 0u);
  EXPECT_EQ(statuses(doc), expected);
  // Schema: the keys a script relies on.
  EXPECT_EQ(doc.at("source"), (env / "spack.lock").string());
  ASSERT_EQ(doc.at("mirrors").size(), 1u);
  EXPECT_EQ(doc["mirrors"][0].at("name"), "signed");
  EXPECT_EQ(doc["mirrors"][0].at("read"), "index");
  EXPECT_TRUE(doc["mirrors"][0].at("layouts").is_array());
  for (const auto& s : doc["specs"]) {
    EXPECT_TRUE(s.at("name").is_string());
    EXPECT_TRUE(s.at("version").is_string());
    for (const auto& m : s.at("mirrors")) {
      EXPECT_EQ(m.at("mirror"), "signed");
      EXPECT_EQ(m.at("layout"), "v3");
      EXPECT_EQ(m.at("signed"), true);
      EXPECT_TRUE(fs::exists(v3s / m.at("metadata").get<std::string>()));
    }
    EXPECT_EQ(s["mirrors"].empty(), s["status"] == "missing");
  }
  std::set<std::string> externals;
  for (const auto& e : doc.at("skipped_externals")) externals.insert(e.at("hash"));
  EXPECT_EQ(externals, lock.external);
  const auto& sum = doc.at("summary");
  EXPECT_EQ(sum.at("checked"), lock.built.size());
  EXPECT_EQ(sum.at("present"), present);
  EXPECT_EQ(sum.at("unsigned_only"), 0);
  EXPECT_EQ(sum.at("missing"), missing);
  EXPECT_EQ(sum.at("externals_skipped"), lock.external.size());
}

// SPEC queries select nodes of the lock; all held signed: exit 0, table.
TEST_F(CheckCli, QueriesAgainstALockAllPresentTable) {
  SPACKEXT_REQUIRE_FIXTURE(env, "fixtures/spack/env");
  SPACKEXT_REQUIRE_FIXTURE(v3s, "fixtures/spack/buildcache-v3-signed");
  const auto lock = lock_nodes(env / "spack.lock");
  auto r = run_host({"buildcache", "check", "--lock", (env / "spack.lock").string(), "--mirror", v3s.string(),
                     "peerhello", "peerlib@1.0", "%gcc", "/" + lock.hash_of.at("peermpi").substr(0, 7)},
                    home.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* name : {"peerhello", "peerlib", "peermpi"}) {
    const auto line_at = r.out.find(lock.hash_of.at(name).substr(0, 7));
    ASSERT_NE(line_at, std::string::npos) << name << "\n" << r.out;
    const auto line = r.out.substr(line_at, r.out.find('\n', line_at) - line_at);
    EXPECT_NE(line.find(std::string(name) + "@1.0"), std::string::npos) << line;
    EXPECT_NE(line.find("present"), std::string::npos) << line;
  }
  EXPECT_NE(r.out.find("3 spec(s) checked against 1 mirror(s): 3 present, 0 unsigned-only, 0 missing"),
            std::string::npos)
      << r.out;
}

// A spec removed from a copy of the cache is missing (exit 1), on the index
// path and with --scan.
TEST_F(CheckCli, SpecRemovedFromACopyIsMissing) {
  SPACKEXT_REQUIRE_FIXTURE(env, "fixtures/spack/env");
  SPACKEXT_REQUIRE_FIXTURE(v3s, "fixtures/spack/buildcache-v3-signed");
  const auto lock = lock_nodes(env / "spack.lock");
  const auto copy = home / "copy";
  copy_writable(v3s, copy);
  const auto hello = lock.hash_of.at("peerhello");
  fs::remove(copy / ("v3/manifests/spec/peerhello/peerhello-1.0-" + hello + ".spec.manifest.json"));
  for (bool scan : {false, true}) {
    std::vector<std::string> args{"--json", "buildcache", "check", "--lock", (env / "spack.lock").string(),
                                  "--mirror", "file://" + copy.string(), "peerhello", "peerlib", "peermpi"};
    if (scan) args.push_back("--scan");
    auto r = run_host(args, home.path());
    ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
    const auto st = statuses(json::parse(r.out));
    EXPECT_EQ(st.at(hello), "missing");
    EXPECT_EQ(st.at(lock.hash_of.at("peerlib")), "present");
    EXPECT_EQ(st.at(lock.hash_of.at("peermpi")), "present");
    if (!scan) EXPECT_NE(r.err.find("stale index"), std::string::npos) << r.err;
  }
}

// Unsigned-only: the unsigned cache alone; with the signed one too, present
// and both mirrors named. OCI has no signatures (signed: null).
TEST_F(CheckCli, UnsignedOnlyAndOci) {
  SPACKEXT_REQUIRE_FIXTURE(v3s, "fixtures/spack/buildcache-v3-signed");
  SPACKEXT_REQUIRE_FIXTURE(v3u, "fixtures/spack/buildcache-v3-unsigned");
  SPACKEXT_REQUIRE_FIXTURE(oci, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  add_mirror("unsigned", v3u);
  add_mirror("signed", v3s);
  const auto cached = in_buildcache_v3(v3u);
  std::vector<std::string> hashes;
  for (const auto& h : cached) hashes.push_back("/" + h);
  std::vector<std::string> args{"--json", "buildcache", "check", "--mirror", "unsigned"};
  args.insert(args.end(), hashes.begin(), hashes.end());
  auto r = run_host(args, home.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;  // unsigned-only is not missing
  auto doc = json::parse(r.out);
  for (const auto& [h, s] : statuses(doc)) EXPECT_EQ(s, "unsigned-only") << h;
  EXPECT_EQ(doc["summary"]["unsigned_only"], cached.size());
  for (const auto& s : doc["specs"]) EXPECT_TRUE(s["name"].is_string()) << s;  // named by the mirror

  args = {"--json", "buildcache", "check"};  // every configured mirror
  args.insert(args.end(), hashes.begin(), hashes.end());
  r = run_host(args, home.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  doc = json::parse(r.out);
  for (const auto& s : doc["specs"]) {
    EXPECT_EQ(s["status"], "present");
    ASSERT_EQ(s["mirrors"].size(), 2u) << s;
    EXPECT_EQ(s["mirrors"][0]["mirror"], "unsigned");
    EXPECT_EQ(s["mirrors"][0]["signed"], false);
    EXPECT_EQ(s["mirrors"][1]["mirror"], "signed");
    EXPECT_EQ(s["mirrors"][1]["signed"], true);
  }

  args = {"buildcache", "check", "--mirror", "file://" + oci.string()};
  args.insert(args.end(), hashes.begin(), hashes.end());
  r = run_host(args, home.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("(oci, no signatures)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(std::to_string(cached.size()) + " unsigned-only"), std::string::npos) << r.out;
  args.insert(args.begin(), "--json");
  r = run_host(args, home.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  doc = json::parse(r.out);
  for (const auto& s : doc["specs"]) {
    EXPECT_EQ(s["status"], "unsigned-only");
    ASSERT_EQ(s["mirrors"].size(), 1u) << s;
    EXPECT_EQ(s["mirrors"][0]["layout"], "oci");
    EXPECT_TRUE(s["mirrors"][0]["signed"].is_null()) << s;  // OCI has no signatures at all
  }
}

// An install database (same envelope as the index, with per-record
// `installed`/`explicit`/`path`) built from the lock's nodes: records no
// longer installed are not checked, externals are skipped.
TEST_F(CheckCli, InstallDatabase) {
  SPACKEXT_REQUIRE_FIXTURE(env, "fixtures/spack/env");
  SPACKEXT_REQUIRE_FIXTURE(v3s, "fixtures/spack/buildcache-v3-signed");
  const auto lock_doc = json_file(env / "spack.lock");
  const auto cached = in_buildcache_v3(v3s);
  json installs = json::object();
  std::set<std::string> installed_built;
  for (auto& [h, node] : lock_doc["concrete_specs"].items()) {
    // What is not in the cache was uninstalled: the record stays for its
    // dependents, with installed false, as Spack keeps it.
    const bool installed = cached.count(h) || node.contains("external");
    if (installed && !node.contains("external")) installed_built.insert(h);
    installs[h] = {{"spec", node},
                   {"path", node.contains("external") ? json(node["external"]["path"]) : json("/opt/tree/" + h)},
                   {"ref_count", 0},
                   {"explicit", h == lock_doc["roots"][0]["hash"]},
                   {"installed", installed},
                   {"installation_time", 1700000000.0}};
  }
  write_file(home / "tree/.spack-db/index.json", json{{"database", {{"version", "8"}, {"installs", installs}}}}.dump());
  for (auto dir : {home / "tree", home / "tree/.spack-db"}) {
    auto r = run_host({"--json", "buildcache", "check", "--db", dir.string(), "--mirror", v3s.string()}, home.path());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto doc = json::parse(r.out);
    std::set<std::string> checked;
    for (const auto& [h, s] : statuses(doc)) {
      checked.insert(h);
      EXPECT_EQ(s, "present") << h;
    }
    EXPECT_EQ(checked, installed_built);
    EXPECT_EQ(doc["summary"]["externals_skipped"], lock_nodes(env / "spack.lock").external.size());
  }
}

TEST_F(CheckCli, BadLockfileNamesFileAndLine) {
  SPACKEXT_REQUIRE_FIXTURE(v3s, "fixtures/spack/buildcache-v3-signed");
  const auto bad = home / "spack.lock";
  write_file(bad, "{\n  \"_meta\": {\n    \"file-type\": \"spack-lockfile\",\n    oops\n  }\n}\n");
  auto r = run_host({"buildcache", "check", "--lock", bad.string(), "--mirror", v3s.string()}, home.path());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(bad.string() + ":4"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  // Valid JSON, but not a lockfile.
  write_file(bad, "{\"database\": {}}\n");
  r = run_host({"buildcache", "check", "--lock", bad.string(), "--mirror", v3s.string()}, home.path());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("not a Spack lockfile"), std::string::npos) << r.err;
  r = run_host({"buildcache", "check", "--lock", (home / "absent.lock").string(), "--mirror", v3s.string()},
               home.path());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("absent.lock"), std::string::npos) << r.err;
}

TEST_F(CheckCli, MirrorsThatDoNotExistAndUsageErrors) {
  SPACKEXT_REQUIRE_FIXTURE(env, "fixtures/spack/env");
  const auto lock = (env / "spack.lock").string();
  auto r = run_host({"buildcache", "check", "--lock", lock, "--mirror", "nosuchmirror"}, home.path());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("nosuchmirror"), std::string::npos) << r.err;
  r = run_host({"buildcache", "check", "--lock", lock, "--mirror", "file://" + (home / "nonexistent").string()},
               home.path());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find((home / "nonexistent").string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(home / "nonexistent"));
  // Nothing configured and no --mirror; nothing to check; both sources;
  // a query without a lockfile; --help.
  EXPECT_EQ(run_host({"buildcache", "check", "--lock", lock}, home.path()).exit_code, 2);
  EXPECT_EQ(run_host({"buildcache", "check", "--mirror", "/tmp"}, home.path()).exit_code, 2);
  EXPECT_EQ(run_host({"buildcache", "check", "--lock", lock, "--db", "/tmp"}, home.path()).exit_code, 2);
  r = run_host({"buildcache", "check", "--db", (home / "no-tree").string(), "--mirror", "/tmp"}, home.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no-tree"), std::string::npos) << r.err;
  fs::create_directories(home / "empty-tree");  // a folder without .spack-db
  r = run_host({"buildcache", "check", "--db", (home / "empty-tree").string(), "--mirror", "/tmp"}, home.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(".spack-db"), std::string::npos) << r.err;
  r = run_host({"buildcache", "check", "peerhello", "--mirror", "/tmp"}, home.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--lock"), std::string::npos) << r.err;
  EXPECT_EQ(run_host({"buildcache", "check", "--lock", lock, "--mirror", "/tmp", "nosuchpackage"}, home.path())
                .exit_code,
            2);
  r = run_host({"buildcache", "check", "--help"}, home.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("--lock"), std::string::npos) << r.out;
}

}  // namespace
