// `buildcache prune` on a live docker-registry (issue 16), interrupted and
// raced where it matters. A registry delete is an HTTP request, not an
// unlink the kill hook sees, so a proxy (FaultProxy's before_forward) stands
// between the host and the registry: it SIGKILLs the prune right before its
// Nth DELETE reaches the registry, or pushes a new manifest there first.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <future>

#include <nlohmann/json.hpp>

#include <spackext_testing/fault_proxy.hpp>

#include "aged_dump.hpp"
#include "campaign.hpp"
#include "registry_server.hpp"

namespace spackext::faults {
namespace {

using spackext::testing::TempDir;
using Json = nlohmann::json;
using namespace std::chrono_literals;

using spackext::test::kHello;
using spackext::test::kLib;
using spackext::test::kMpi;

std::set<std::string> indexed(const std::string& url, const fs::path& home) {
  auto r = run({"--json", "buildcache", "list", url}, home);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> out;
  if (r.exit_code != 0) return out;
  const auto doc = Json::parse(r.out);
  for (const auto& s : doc["specs"]) out.insert(s["name"].get<std::string>());
  return out;
}

std::set<std::string> tags(const spackext::test::RegistryServer& server, const std::string& repository) {
  auto r = spackext::testing::run({"/usr/bin/curl", "-sf", server.base_url() + "/v2/" + repository + "/tags/list"});
  if (r.exit_code != 0) return {};
  const auto doc = Json::parse(r.out);
  return doc["tags"].get<std::set<std::string>>();
}

// HTTP status of a HEAD of `path` below the repository.
int head(const spackext::test::RegistryServer& server, const std::string& repository, const std::string& path) {
  auto r = spackext::testing::run({"/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-I",
                                   "-H", "Accept: application/vnd.oci.image.manifest.v1+json",
                                   server.base_url() + "/v2/" + repository + "/" + path});
  return std::atoi(r.out.c_str());
}

// Runs the host in a child whose PID `pid` holds while it runs; returns its wait status.
int run_child(const std::vector<std::string>& args, const fs::path& home, std::atomic<pid_t>& pid) {
  const auto host = spackext::testing::host_binary();
  std::vector<std::string> argv = {host.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c;
  for (auto& a : argv) c.push_back(a.data());
  c.push_back(nullptr);
  const pid_t child = ::fork();
  if (child == 0) {
    ::setenv("HOME", home.c_str(), 1);
    ::setenv("XDG_CONFIG_HOME", (home / ".config").c_str(), 1);
    ::setenv("XDG_STATE_HOME", (home / ".local/state").c_str(), 1);
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    ::execv(c[0], c.data());
    ::_exit(127);
  }
  pid = child;
  int status = 0;
  ::waitpid(child, &status, 0);
  pid = 0;
  return status;
}

struct AgedRegistry {
  TempDir home;
  fs::path aged;
  std::unique_ptr<spackext::test::RegistryServer> server;
  Json hello;  // peerhello's manifest
  explicit AgedRegistry(const fs::path& dump) {
    server = std::make_unique<spackext::test::RegistryServer>(home.path());
    aged = home / "aged";
    spackext::test::aged_dump(dump, aged, {{"peerhello-", 100 * 24h}});
    hello = Json::parse(spackext::testing::read_file(aged / "manifests" / kHello));
  }
  // A new repository holding the aged dump (and its index); its direct URL.
  std::string fill(const std::string& repository) {
    const auto url = server->mirror_url(repository);
    auto r = run({"buildcache", "sync", "file://" + aged.string(), url}, home.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return url;
  }
  std::string through(const spackext::testing::FaultProxy& proxy, const std::string& repository) const {
    return "oci+http://127.0.0.1:" + std::to_string(proxy.port()) + "/" + repository;
  }
};

std::vector<std::string> prune_args(const std::string& url) { return {"buildcache", "prune", url, "--older-than", "30"}; }

// Killed before each of its DELETEs: the index published before the first
// delete of an object already lists only the specs that stay, `verify` finds
// nothing but specs the index does not list yet, and a rerun finishes the job.
// The DELETEs: the probe (are deletes allowed?), peerhello's manifest, its
// config and its own tarball, the prune's journal. Killed after the manifest
// went, the blobs it named are found by the rerun through the journal.
TEST(BuildcacheOciPrune, KilledBeforeEachDeleteThenRerun) {
  SPACKEXT_REQUIRE_REGISTRY();
  SPACKEXT_REQUIRE_FIXTURE(dump, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  AgedRegistry s(dump);
  ASSERT_TRUE(s.server->ready()) << s.server->failure();
  std::atomic<pid_t> pid{0};

  std::atomic<int> deletes{0};
  spackext::testing::FaultPlan counting;
  counting.before_forward = [&](const std::string& method, const std::string&) {
    if (method == "DELETE") ++deletes;
    return true;
  };
  {
    const std::string repository = "count/buildcache";
    s.fill(repository);
    spackext::testing::FaultProxy proxy(s.server->base_url(), counting);
    ASSERT_EQ(WEXITSTATUS(run_child(prune_args(s.through(proxy, repository)), s.home.path(), pid)), 0);
  }
  const int total = deletes;
  ASSERT_EQ(total, 5);
  const std::set<std::string> kept = {"index.spack", kLib, kMpi};  // the journal gone too
  const auto config = s.hello["config"]["digest"].get<std::string>();
  const auto tarball = s.hello["layers"].back()["digest"].get<std::string>();
  for (long k : spread(total, trials(total))) {
    const auto trial = "kill before DELETE " + std::to_string(k) + "/" + std::to_string(total);
    const auto repository = "t" + std::to_string(k) + "/buildcache";
    const auto url = s.fill(repository);
    std::atomic<int> seen{0};
    spackext::testing::FaultPlan plan;
    plan.before_forward = [&](const std::string& method, const std::string&) {
      if (method != "DELETE" || ++seen != k) return true;
      ::kill(pid.load(), SIGKILL);
      return false;
    };
    spackext::testing::FaultProxy proxy(s.server->base_url(), plan);
    const int status = run_child(prune_args(s.through(proxy, repository)), s.home.path(), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << trial;
    // The first DELETE is the probe, before anything is published.
    const std::set<std::string> all = {"peerhello", "peerlib", "peermpi"}, staying = {"peerlib", "peermpi"};
    EXPECT_EQ(indexed(url, s.home.path()), k == 1 ? all : staying) << trial;
    auto before = run({"--json", "buildcache", "verify", "--no-signatures", url}, s.home.path());
    for (const auto& p : Json::parse(before.out).at("problems"))
      EXPECT_EQ(p.at("message").get<std::string>().rfind("index does not list", 0), 0u) << trial << ": " << p.dump();
    auto again = run(prune_args(url), s.home.path());
    ASSERT_EQ(again.exit_code, 0) << trial << ": " << again.err;
    EXPECT_EQ(tags(*s.server, repository), kept) << trial;
    EXPECT_EQ(head(*s.server, repository, "blobs/" + config), 404) << trial;
    EXPECT_EQ(head(*s.server, repository, "blobs/" + tarball), 404) << trial;
    EXPECT_EQ(indexed(url, s.home.path()), (std::set<std::string>{"peerlib", "peermpi"})) << trial;
    auto v = run({"buildcache", "verify", "--no-signatures", url}, s.home.path());
    EXPECT_EQ(v.exit_code, 0) << trial << ": " << v.out << v.err;
  }
}

// A push that lands while the prune deletes: its manifest (pushed just
// before the prune's first manifest DELETE) names the old spec's tarball,
// which the prune had judged unreferenced. The second look keeps it.
TEST(BuildcacheOciPrune, ManifestPushedDuringThePruneKeepsTheBlobsItNames) {
  SPACKEXT_REQUIRE_REGISTRY();
  SPACKEXT_REQUIRE_FIXTURE(dump, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  AgedRegistry s(dump);
  ASSERT_TRUE(s.server->ready()) << s.server->failure();
  const std::string repository = "race/buildcache";
  const auto url = s.fill(repository);
  const auto tarball = s.hello["layers"].back();
  const auto config = s.hello["config"]["digest"].get<std::string>();
  // An image of the old tarball alone, with the `{}` config the index image already uses.
  Json latecomer = {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                    {"schemaVersion", 2},
                    {"config", {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                                {"digest", "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},
                                {"size", 2}}},
                    {"layers", Json::array({tarball})}};
  std::atomic<bool> pushed{false};
  std::string push_error;
  spackext::testing::FaultPlan plan;
  plan.before_forward = [&](const std::string& method, const std::string& target) {
    if (method != "DELETE" || target.find("/manifests/") == std::string::npos || pushed.exchange(true)) return true;
    auto r = spackext::testing::run({"/usr/bin/curl", "-sf", "-X", "PUT", "-H",
                                     "Content-Type: application/vnd.oci.image.manifest.v1+json", "--data-binary", "@-",
                                     s.server->base_url() + "/v2/" + repository + "/manifests/latecomer"},
                                    {.input = latecomer.dump()});
    if (r.exit_code != 0) push_error = "curl exit " + std::to_string(r.exit_code) + ": " + r.err;
    return true;
  };
  spackext::testing::FaultProxy proxy(s.server->base_url(), plan);
  auto r = run({"--json", "buildcache", "prune", s.through(proxy, repository), "--older-than", "30"}, s.home.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(pushed) << r.out;
  ASSERT_EQ(push_error, "");
  const auto report = Json::parse(r.out);
  const auto tarball_key = "blobs/sha256/" + tarball["digest"].get<std::string>().substr(7);
  EXPECT_EQ(report["skipped_new"], Json::array({tarball_key})) << r.out;
  EXPECT_EQ(head(*s.server, repository, "blobs/" + tarball["digest"].get<std::string>()), 200);
  EXPECT_EQ(head(*s.server, repository, "blobs/" + config), 404);
  EXPECT_EQ(tags(*s.server, repository), (std::set<std::string>{"index.spack", kLib, kMpi, "latecomer"}));
  auto v = run({"buildcache", "verify", "--no-signatures", url}, s.home.path());
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

// Two prunes of one repository at once: each sees the other's deletes as
// objects already gone. Both succeed, and the registry ends as one prune
// leaves it: the old spec's image and blobs gone, the rest indexed and whole.
TEST(BuildcacheOciPrune, TwoPrunesAtOnce) {
  SPACKEXT_REQUIRE_REGISTRY();
  SPACKEXT_REQUIRE_FIXTURE(dump, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  AgedRegistry s(dump);
  ASSERT_TRUE(s.server->ready()) << s.server->failure();
  const auto config = s.hello["config"]["digest"].get<std::string>();
  const auto tarball = s.hello["layers"].back()["digest"].get<std::string>();
  for (int t = 0, n = trials(2); t < n; ++t) {
    const auto trial = "trial " + std::to_string(t);
    const auto repository = "twice" + std::to_string(t) + "/buildcache";
    const auto url = s.fill(repository);
    auto a = std::async(std::launch::async, [&] { return run(prune_args(url), s.home.path()); });
    auto b = std::async(std::launch::async, [&] { return run(prune_args(url), s.home.path()); });
    for (auto* f : {&a, &b}) {
      const auto r = f->get();
      EXPECT_EQ(r.exit_code, 0) << trial << ": " << r.out << r.err;
    }
    EXPECT_EQ(tags(*s.server, repository), (std::set<std::string>{"index.spack", kLib, kMpi})) << trial;
    EXPECT_EQ(head(*s.server, repository, "blobs/" + config), 404) << trial;
    EXPECT_EQ(head(*s.server, repository, "blobs/" + tarball), 404) << trial;
    EXPECT_EQ(indexed(url, s.home.path()), (std::set<std::string>{"peerlib", "peermpi"})) << trial;
    auto v = run({"buildcache", "verify", "--no-signatures", url}, s.home.path());
    EXPECT_EQ(v.exit_code, 0) << trial << ": " << v.out << v.err;
  }
}

}  // namespace
}  // namespace spackext::faults
