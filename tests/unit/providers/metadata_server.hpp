// A cloud metadata service for tests: a real HTTP server on 127.0.0.1
// (cpp-httplib) that answers the way the provider's documentation shows.
#pragma once

#include <string>
#include <thread>

#include <httplib.h>
#include "spackext_testing/server_ready.hpp"

class MetadataServer {
 public:
  httplib::Server& routes() { return server_; }
  // Binds an ephemeral loopback port and serves in the background.
  void start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    spackext::testing::wait_until_running(server_);
  }
  ~MetadataServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests = 0;

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};
