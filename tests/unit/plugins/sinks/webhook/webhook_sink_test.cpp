// The webhook sink posting real bus events to a local cpp-httplib server that
// records what it receives: JSON bodies, HMAC signatures recomputed here with
// OpenSSL, topic filtering, retries after 503, no retry after 4xx, the
// bounded queue, and the exit deadline against endpoints that refuse or hang.
#include <gtest/gtest.h>

#include <httplib.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <thread>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "spackext/bus.hpp"
#include "spackext/errors.hpp"
#include "spackext_testing/testing.hpp"
#include "webhook_sink.hpp"
#include "spackext_testing/server_ready.hpp"

namespace spackext::webhook {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

struct Received {
  std::string path, body, event, delivery, signature, content_type;
};

// The peer: records every POST; /flaky answers 503 until `flaky_failures`
// have been served, /reject answers 400.
class RecordingServer {
 public:
  RecordingServer() {
    auto record = [this](const httplib::Request& req) {
      std::lock_guard lock(mutex);
      received.push_back({req.path, req.body, req.get_header_value("X-SpackExt-Event"),
                          req.get_header_value("X-SpackExt-Delivery"), req.get_header_value("X-SpackExt-Signature-256"),
                          req.get_header_value("Content-Type")});
    };
    server.Post("/ok", [record](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.status = 204;
    });
    server.Post("/flaky", [this, record](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.status = flaky_served++ < flaky_failures ? 503 : 200;
    });
    server.Post("/reject", [record](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.status = 400;
    });
    port_ = spackext::testing::free_port();
    thread_ = std::thread([this] { server.listen("127.0.0.1", port_); });
    spackext::testing::wait_until_running(server);
    while (!server.is_running()) std::this_thread::sleep_for(5ms);
  }
  ~RecordingServer() {
    server.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::vector<Received> requests() {
    std::lock_guard lock(mutex);
    return received;
  }

  httplib::Server server;
  std::mutex mutex;
  std::vector<Received> received;
  std::atomic<int> flaky_served{0};
  int flaky_failures = 2;

 private:
  int port_ = 0;
  std::thread thread_;
};

// A socket that completes TCP handshakes (the kernel's backlog) but never
// accepts, so a request is sent and no answer ever comes.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 64) != 0)
      throw std::runtime_error("cannot listen on 127.0.0.1");
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// The sink's log at debug level, captured.
struct CapturedLog {
  std::ostringstream text;
  std::shared_ptr<spdlog::logger> logger;
  CapturedLog() {
    logger = std::make_shared<spdlog::logger>("sink-webhook", std::make_shared<spdlog::sinks::ostream_sink_mt>(text));
    logger->set_level(spdlog::level::debug);
  }
  std::string str() {
    logger->flush();
    return text.str();
  }
};

std::string hmac_hex(const std::string& key, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), mac, &n);
  std::string hex;
  char buf[3];
  for (unsigned i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", mac[i]);
    hex += buf;
  }
  return hex;
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

TEST(WebhookSink, PostsSelectedEventsAsSignedJson) {
  RecordingServer server;
  CapturedLog log;
  const std::string secret = "s3cr3t-webhook-key-4711";
  ScopedEnv env("SPACKEXT_TEST_WEBHOOK_SECRET", secret.c_str());
  Bus bus;
  WebhookSink sink(log.logger);
  // Overlapping patterns: deploy.finished matches two; it must come once.
  sink.start(bus, {{"timeout", 10},
                   {"endpoints",
                    {{{"url", server.url("/ok")},
                      {"topics", {"deploy.stage.failed", "deploy.finished", "deploy.*", "buildcache.sync.*"}},
                      {"secret_env", "SPACKEXT_TEST_WEBHOOK_SECRET"}}}}});
  bus.publish("deploy.stage.started", {{"node", "gcc"}}, "deploy");        // not selected: * is one segment
  bus.publish("deploy.stage.failed", {{"node", "mpich"}, {"exit_code", 2}}, "deploy");
  bus.publish("mirror.object.copied", {{"key", "x"}}, "buildcache");       // not selected
  bus.publish("deploy.finished", {{"deployment", 7}, {"status", "failed"}}, "deploy");
  bus.publish("buildcache.sync.finished", {{"copied", 3}}, "buildcache");
  sink.stop();

  auto got = server.requests();
  ASSERT_EQ(got.size(), 3u);
  std::vector<std::string> topics;
  for (const auto& r : got) {
    topics.push_back(r.event);
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.signature, "sha256=" + hmac_hex(secret, r.body)) << r.body;
    EXPECT_EQ(r.delivery.size(), 32u);
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["topic"], r.event);
    EXPECT_TRUE(j["time"].is_string());
  }
  // In publish order; deploy.finished (two patterns) once.
  EXPECT_EQ(topics, (std::vector<std::string>{"deploy.stage.failed", "deploy.finished", "buildcache.sync.finished"}));
  auto failed = nlohmann::json::parse(got[0].body);
  EXPECT_EQ(failed["source"], "deploy");
  EXPECT_EQ(failed["payload"]["node"], "mpich");
  EXPECT_EQ(failed["payload"]["exit_code"], 2);
  EXPECT_EQ(nlohmann::json::parse(got[1].body)["payload"]["deployment"], 7);
  EXPECT_EQ(sink.stats().at(0).delivered, 3u);

  const auto text = log.str();
  EXPECT_NE(text.find("delivered"), std::string::npos) << "debug log not captured:\n" << text;
  EXPECT_EQ(text.find(secret), std::string::npos) << text;
}

TEST(WebhookSink, RetriesServerErrorsWithTheSameDeliveryId) {
  RecordingServer server;
  server.flaky_failures = 2;
  CapturedLog log;
  Bus bus;
  WebhookSink sink(log.logger);
  sink.start(bus, {{"endpoints", {{{"url", server.url("/flaky")}, {"topics", {"**"}}, {"backoff", 0.02}}}}});
  bus.publish("deploy.finished", {{"status", "succeeded"}}, "deploy");
  sink.stop();
  auto got = server.requests();
  ASSERT_EQ(got.size(), 3u);  // 503, 503, 200
  EXPECT_EQ(got[0].delivery, got[2].delivery);
  EXPECT_EQ(got[0].body, got[2].body);
  EXPECT_TRUE(got[0].signature.empty());  // no secret configured, nothing signed
  auto s = sink.stats().at(0);
  EXPECT_EQ(s.delivered, 1u);
  EXPECT_EQ(s.attempts, 3u);
}

TEST(WebhookSink, GivesUpAfterMaxAttempts) {
  RecordingServer server;
  server.flaky_failures = 100;
  CapturedLog log;
  Bus bus;
  WebhookSink sink(log.logger);
  sink.start(bus, {{"endpoints", {{{"url", server.url("/flaky")}, {"topics", {"deploy.finished"}},
                                   {"backoff", 0.01}, {"max_attempts", 3}}}}});
  bus.publish("deploy.finished", nlohmann::json::object(), "deploy");
  sink.stop();
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(sink.stats().at(0).failed, 1u);
  EXPECT_NE(log.str().find("not delivered after 3 attempts: HTTP 503"), std::string::npos) << log.str();
}

TEST(WebhookSink, ClientErrorsAreNotRetried) {
  RecordingServer server;
  CapturedLog log;
  Bus bus;
  WebhookSink sink(log.logger);
  sink.start(bus, {{"endpoints", {{{"url", server.url("/reject")}, {"topics", {"deploy.finished"}}, {"backoff", 0.01}}}}});
  bus.publish("deploy.finished", nlohmann::json::object(), "deploy");
  sink.stop();
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(sink.stats().at(0).rejected, 1u);
  EXPECT_NE(log.str().find("rejected with HTTP 400; not retried"), std::string::npos) << log.str();
}

// A refused port and a listener that never answers, with generous per-request
// limits: stop() must still return within the exit timeout (plus slack for a
// loaded machine; this bounds correctness, it is not a performance check).
TEST(WebhookSink, DeadEndpointsCostAtMostTheTimeout) {
  SilentListener silent;
  const std::string refused = "http://127.0.0.1:" + std::to_string(spackext::testing::free_port()) + "/hook";
  CapturedLog log;
  Bus bus;
  WebhookSink sink(log.logger);
  const double timeout_s = 1.5;
  sink.start(bus, {{"timeout", timeout_s},
                   {"endpoints",
                    {{{"url", silent.url()}, {"topics", {"**"}}, {"request_timeout", 60}, {"max_attempts", 20},
                      {"queue_size", 2}},
                     {{"url", refused}, {"topics", {"**"}}, {"request_timeout", 60}, {"max_attempts", 20},
                      {"backoff", 0.05}}}}});
  for (int i = 0; i < 10; ++i) bus.publish("deploy.stage.finished", {{"i", i}}, "deploy");
  auto begin = SteadyClock::now();
  sink.stop();
  auto waited = std::chrono::duration<double>(SteadyClock::now() - begin).count();
  EXPECT_LE(waited, timeout_s + 2.0);

  auto hung = sink.stats().at(0);
  auto dead = sink.stats().at(1);
  // Queue of 2: at most one in flight and two queued survive; the rest were
  // dropped at publish time instead of making the publisher wait.
  EXPECT_GE(hung.dropped, 7u);
  EXPECT_EQ(hung.delivered + dead.delivered, 0u);
  EXPECT_GE(hung.abandoned, 1u);
  EXPECT_GE(dead.abandoned + dead.failed, 1u);
  EXPECT_GE(dead.attempts, 2u);  // connection refused is retried
  const auto text = log.str();
  EXPECT_NE(text.find("gave up on"), std::string::npos) << text;
  EXPECT_NE(text.find("dropped"), std::string::npos) << text;
}

TEST(WebhookSink, BadSettingsNameTheKey) {
  CapturedLog log;
  Bus bus;
  WebhookSink sink(log.logger);
  auto message = [&](const nlohmann::json& settings) {
    try {
      sink.start(bus, settings);
    } catch (const InputError& e) {
      EXPECT_EQ(e.exit_code(), kExitUsage);
      return std::string(e.what());
    }
    ADD_FAILURE() << "accepted " << settings.dump();
    return std::string();
  };
  EXPECT_NE(message({{"endpoints", {{{"topics", {"**"}}}}}}).find("sinks.webhook.endpoints[0]"), std::string::npos);
  EXPECT_NE(message({{"endpoints", {{{"url", "ftp://x/"}, {"topics", {"**"}}}}}}).find("sinks.webhook.endpoints[0].url"),
            std::string::npos);
  EXPECT_NE(message({{"endpoints", {{{"url", "http://x/"}, {"topics", {"**"}}, {"max_attempts", 0}}}}})
                .find("sinks.webhook.endpoints[0].max_attempts"),
            std::string::npos);
  EXPECT_NE(message({{"endpoints", {{{"url", "http://x/"}, {"topics", {"**"}}}}}, {"retries", 3}}).find("sinks.webhook"),
            std::string::npos);
  ::unsetenv("SPACKEXT_TEST_WEBHOOK_UNSET");
  EXPECT_NE(message({{"endpoints", {{{"url", "http://x/"}, {"topics", {"**"}}, {"secret_env", "SPACKEXT_TEST_WEBHOOK_UNSET"}}}}})
                .find("SPACKEXT_TEST_WEBHOOK_UNSET is not set"),
            std::string::npos);
}

}  // namespace
}  // namespace spackext::webhook
