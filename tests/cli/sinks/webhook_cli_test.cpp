// `sinks.webhook` through the real host: a deployment with a failing stage
// posts deploy.stage.failed and deploy.finished to a local HTTP server the
// test runs, and so does a buildcache sync; a bad sinks section is a usage
// error naming the key.
#include <gtest/gtest.h>

#include <httplib.h>

#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "spackext_testing/sample_deployment.hpp"
#include "spackext_testing/testing.hpp"
#include "spackext_testing/server_ready.hpp"

namespace fs = std::filesystem;
using namespace spackext::testing;

namespace {

class HookServer {
 public:
  HookServer() {
    server.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      events_.push_back(nlohmann::json::parse(req.body));
      res.status = 200;
    });
    port_ = free_port();
    thread_ = std::thread([this] { server.listen("127.0.0.1", port_); });
    spackext::testing::wait_until_running(server);
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~HookServer() {
    server.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<nlohmann::json> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  httplib::Server server;

 private:
  std::mutex mutex_;
  std::vector<nlohmann::json> events_;
  int port_ = 0;
  std::thread thread_;
};

TEST(WebhookCli, FailedDeploymentIsPosted) {
  TempDir tmp;
  HookServer hook;
  auto deploy = write_sample_deployment(tmp.path(), "mpi/clang@18/mpich@4");
  write_file(tmp / "spack-ext.yaml", "sinks:\n  webhook:\n    timeout: 10\n    endpoints:\n      - url: " + hook.url() +
                                         "\n        topics: [deploy.stage.failed, deploy.finished]\n");
  auto r = run_host({"--config", (tmp / "spack-ext.yaml").string(), "deploy", "run", "--config", deploy.string(),
                     "--state-db", (tmp / "state.db").string(), "--jobs", "2"},
                    tmp.path(), {.cwd = tmp.path()});
  ASSERT_EQ(r.exit_code, 1) << r.err;  // the deployment failed, and said so
  auto events = hook.events();
  std::vector<std::string> topics;
  for (const auto& e : events) topics.push_back(e["topic"]);
  // The mpich build fails on each attempt (retries: 1), then the deployment finishes failed.
  ASSERT_GE(events.size(), 2u) << r.err;
  EXPECT_EQ(topics.back(), "deploy.finished");
  EXPECT_EQ(events.back()["payload"]["status"], "failed");
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    EXPECT_EQ(topics[i], "deploy.stage.failed");
    EXPECT_EQ(events[i]["payload"]["node"], "mpi/clang@18/mpich@4");
    EXPECT_EQ(events[i]["source"], "deploy");
  }
}

TEST(WebhookCli, BuildcacheSyncIsPosted) {
  SPACKEXT_REQUIRE_FIXTURE(fixture, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  HookServer hook;
  write_file(tmp / "spack-ext.yaml", "sinks:\n  webhook:\n    endpoints:\n      - url: " + hook.url() +
                                         "\n        topics: [buildcache.sync.*]\n");
  auto r = run_host({"--config", (tmp / "spack-ext.yaml").string(), "buildcache", "sync", "file://" + fixture.string(),
                     "file://" + (tmp / "dst").string()},
                    tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto events = hook.events();
  ASSERT_EQ(events.size(), 1u) << r.err;
  EXPECT_EQ(events[0]["topic"], "buildcache.sync.finished");
  EXPECT_EQ(events[0]["payload"]["status"], "succeeded");
  EXPECT_EQ(events[0]["payload"]["specs"], 3);  // the fixture README: three toy packages
  EXPECT_EQ(events[0]["payload"]["destination"], "file://" + (tmp / "dst").string());
}

TEST(WebhookCli, BadSinkSettingsAreAUsageError) {
  TempDir tmp;
  auto deploy = write_sample_deployment(tmp.path());
  write_file(tmp / "spack-ext.yaml", "sinks:\n  webhook:\n    endpoints:\n      - url: http://127.0.0.1:9/hook\n");
  auto r = run_host({"--config", (tmp / "spack-ext.yaml").string(), "deploy", "run", "--config", deploy.string(),
                     "--state-db", (tmp / "state.db").string()},
                    tmp.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("sinks.webhook.endpoints[0]"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(tmp / "state.db")) << "the command ran although its sinks were misconfigured";

  write_file(tmp / "spack-ext.yaml", "sinks:\n  pager: {}\n");
  r = run_host({"--config", (tmp / "spack-ext.yaml").string(), "deploy", "run", "--config", deploy.string(),
                "--state-db", (tmp / "state.db").string()},
               tmp.path());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("pager"), std::string::npos) << r.err;
}

}  // namespace
