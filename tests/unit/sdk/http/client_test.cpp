// spackext::http::Client against a local cpp-httplib server that injects
// faults: 5xx, 429 with Retry-After, resets mid-body, slow responses.
#include <gtest/gtest.h>

// HTTPS for the TLS test: a server with a certificate no one trusts.
#define CPPHTTPLIB_OPENSSL_SUPPORT
#include <httplib.h>

#include <atomic>
#include <thread>

#include <spackext/http/client.hpp>
#include <spackext_testing/testing.hpp>
#include "spackext_testing/server_ready.hpp"

namespace spackext::http {
namespace {

class FaultyServer {
 public:
  FaultyServer() {
    port_ = spackext::testing::free_port();
    thread_ = std::thread([this] { server.listen("127.0.0.1", port_); });
    spackext::testing::wait_until_running(server);
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~FaultyServer() {
    server.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  httplib::Server server;

 private:
  int port_ = 0;
  std::thread thread_;
};

ClientOptions fast_options(std::vector<std::chrono::milliseconds>* delays = nullptr) {
  ClientOptions o;
  o.max_attempts = 4;
  o.sleep = [delays](std::chrono::milliseconds d) {
    if (delays) delays->push_back(d);
  };
  return o;
}

TEST(HttpClient, RetriesServerErrorsThenSucceeds) {
  FaultyServer s;
  std::atomic<int> calls{0};
  s.server.Get("/flaky", [&](const httplib::Request&, httplib::Response& res) {
    if (++calls < 3) {
      res.status = 503;
      return;
    }
    res.set_content("payload", "text/plain");
  });
  std::vector<std::chrono::milliseconds> delays;
  Client c(fast_options(&delays));
  std::string got;
  auto r = c.send_ok({.method = "GET", .url = s.url("/flaky")}, [&](const char* d, std::size_t n) {
    got.append(d, n);
    return true;
  });
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(got, "payload");
  EXPECT_EQ(r.attempts, 3);
  ASSERT_EQ(delays.size(), 2u);
}

TEST(HttpClient, HonoursRetryAfterOn429) {
  FaultyServer s;
  std::atomic<int> calls{0};
  s.server.Get("/busy", [&](const httplib::Request&, httplib::Response& res) {
    if (++calls == 1) {
      res.status = 429;
      res.set_header("Retry-After", "7");
      return;
    }
    res.set_content("ok", "text/plain");
  });
  std::vector<std::chrono::milliseconds> delays;
  Client c(fast_options(&delays));
  auto r = c.send_ok({.method = "GET", .url = s.url("/busy")});
  EXPECT_EQ(r.body, "ok");
  ASSERT_EQ(delays.size(), 1u);
  EXPECT_GE(delays[0], std::chrono::seconds(7));
}

TEST(HttpClient, GivesUpAfterMaxAttemptsNamingTheObject) {
  FaultyServer s;
  s.server.Get("/down", [](const httplib::Request&, httplib::Response& res) {
    res.status = 500;
    res.set_content("InternalError", "text/plain");
  });
  Client c(fast_options());
  try {
    c.send_ok({.method = "GET", .url = s.url("/down")});
    FAIL();
  } catch (const HttpError& e) {
    EXPECT_EQ(e.status(), 500);
    EXPECT_TRUE(e.transient());
    std::string what = e.what();
    EXPECT_NE(what.find("/down"), std::string::npos) << what;
    EXPECT_NE(what.find("4 attempts"), std::string::npos) << what;
  }
}

TEST(HttpClient, NotFoundIsNotRetried) {
  FaultyServer s;
  std::atomic<int> calls{0};
  s.server.Get("/nope", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 404;
  });
  Client c(fast_options());
  auto r = c.send({.method = "GET", .url = s.url("/nope")});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(calls.load(), 1);
}

TEST(HttpClient, ResetMidBodyRestartsTheSink) {
  FaultyServer s;
  std::atomic<int> calls{0};
  const std::string full(200000, 'b');
  s.server.Get("/cut", [&](const httplib::Request&, httplib::Response& res) {
    const bool cut = ++calls == 1;
    res.set_content_provider(full.size(), "application/octet-stream",
                             [&, cut](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               if (cut && offset >= full.size() / 2) return false;  // drop the connection
                               auto n = std::min<std::size_t>(16384, full.size() - offset);
                               sink.write(full.data() + offset, n);
                               return true;
                             });
  });
  Client c(fast_options());
  std::string got;
  Request req{.method = "GET", .url = s.url("/cut")};
  int restarts = 0;
  req.restart = [&] {
    got.clear();
    ++restarts;
  };
  auto r = c.send_ok(req, [&](const char* d, std::size_t n) {
    got.append(d, n);
    return true;
  });
  EXPECT_EQ(got, full);
  EXPECT_EQ(restarts, 1);
  // Without a way to restart, a cut body is an error, never a silent short read.
  std::string partial;
  calls = 0;
  EXPECT_THROW(c.send_ok({.method = "GET", .url = s.url("/cut")},
                         [&](const char* d, std::size_t n) { return partial.append(d, n), true; }),
               HttpError);
}

TEST(HttpClient, StreamsUploadsAndResendsThemOnRetry) {
  FaultyServer s;
  std::atomic<int> calls{0};
  std::string stored;
  s.server.Put("/obj", [&](const httplib::Request& req, httplib::Response& res) {
    if (++calls == 1) {
      res.status = 502;
      return;
    }
    stored = req.body;
    res.status = 201;
  });
  Client c(fast_options());
  const std::string data(100000, 'u');
  Request req{.method = "PUT", .url = s.url("/obj")};
  req.body_size = data.size();
  int sources = 0;
  req.body_source = [&] {
    ++sources;
    auto pos = std::make_shared<std::size_t>(0);
    return BodySource([&data, pos](char* b, std::size_t cap) {
      auto n = std::min(cap, data.size() - *pos);
      std::memcpy(b, data.data() + *pos, n);
      *pos += n;
      return n;
    });
  };
  auto r = c.send_ok(req);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(stored, data);
  EXPECT_EQ(sources, 2);
}

TEST(HttpClient, PerRequestTimeoutIsRetriedThenReported) {
  FaultyServer s;
  s.server.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    res.set_content("late", "text/plain");
  });
  auto o = fast_options();
  o.max_attempts = 2;
  Client c(o);
  Request req{.method = "GET", .url = s.url("/slow")};
  req.timeout = std::chrono::milliseconds(100);
  try {
    c.send(req);
    FAIL();
  } catch (const HttpError& e) {
    EXPECT_TRUE(e.transient());
    EXPECT_NE(std::string(e.what()).find("2 attempts"), std::string::npos) << e.what();
  }
}

TEST(HttpClient, SecretsAndCredentialsAreRedacted) {
  ClientOptions o;
  o.secrets = {"hunter2-secret"};
  Client c(o);
  auto text = c.redact("GET https://user:pw@host/p?X-Amz-Signature=abc&x=1 failed: hunter2-secret");
  EXPECT_EQ(text.find("pw@"), std::string::npos) << text;
  EXPECT_EQ(text.find("abc"), std::string::npos) << text;
  EXPECT_EQ(text.find("hunter2-secret"), std::string::npos) << text;
  EXPECT_NE(text.find("x=1"), std::string::npos) << text;
}

// A real TLS server with a self-signed certificate made here: the default
// client refuses it, and the same request with verification off succeeds, so
// the refusal is the certificate check (not a failed handshake with a
// plain-HTTP server, which would fail even without verification).
TEST(HttpClient, TlsIsVerifiedByDefault) {
  spackext::testing::TempDir tmp;
  const auto cert = tmp / "cert.pem", key = tmp / "key.pem";
  auto made = spackext::testing::run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                                      key.string(), "-out", cert.string(), "-days", "1", "-subj", "/CN=127.0.0.1",
                                      "-addext", "subjectAltName=IP:127.0.0.1"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  httplib::SSLServer server(cert.c_str(), key.c_str());
  ASSERT_TRUE(server.is_valid());
  server.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content("x", "text/plain"); });
  const int port = spackext::testing::free_port();
  std::thread thread([&] { server.listen("127.0.0.1", port); });
  spackext::testing::wait_until_running(server);
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/";
  auto o = fast_options();
  o.max_attempts = 1;
  Client verifying(o);
  EXPECT_TRUE(verifying.options().verify_tls);
  EXPECT_THROW(verifying.send({.method = "GET", .url = url}), HttpError);
  o.verify_tls = false;
  Client trusting(o);
  std::string got;
  auto r = trusting.send_ok({.method = "GET", .url = url}, [&](const char* d, std::size_t n) {
    got.append(d, n);
    return true;
  });
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(got, "x");
  server.stop();
  thread.join();
}

TEST(HttpClient, BackoffGrowsAndIsCapped) {
  using std::chrono::milliseconds;
  for (int i = 0; i < 50; ++i) {
    auto d1 = backoff_delay(1, milliseconds(100), milliseconds(1000), std::nullopt);
    EXPECT_GE(d1, milliseconds(50));
    EXPECT_LE(d1, milliseconds(100));
    auto d10 = backoff_delay(10, milliseconds(100), milliseconds(1000), std::nullopt);
    EXPECT_LE(d10, milliseconds(1000));
    EXPECT_GE(d10, milliseconds(500));
  }
  EXPECT_EQ(parse_retry_after("12"), std::chrono::milliseconds(12000));
  EXPECT_FALSE(parse_retry_after("soon"));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), std::chrono::milliseconds(0));  // in the past
}

}  // namespace
}  // namespace spackext::http
