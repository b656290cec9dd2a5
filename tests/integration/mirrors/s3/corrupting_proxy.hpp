// A proxy in front of the real S3 server (s3rver) that flips the first byte
// of every PUT body on its way through: a faulty proxy or NIC. s3rver stores
// what it received and answers with its MD5 as the ETag, so the client can
// only notice by checking that ETag against what it sent.
#pragma once

#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

#include <spackext_testing/testing.hpp>

namespace spackext::test {

class CorruptingProxy {
 public:
  // `upstream`: "http://127.0.0.1:PORT".
  explicit CorruptingProxy(const std::string& upstream) : upstream_(upstream) {
    auto forward = [this](const httplib::Request& q, httplib::Response& r) {
      httplib::Headers headers;
      for (const auto& [k, v] : q.headers)
        if (k != "Host" && k != "Content-Length" && k != "REMOTE_ADDR" && k != "REMOTE_PORT" &&
            k != "LOCAL_ADDR" && k != "LOCAL_PORT")
          headers.emplace(k, v);
      std::string body = q.body;
      if (q.method == "PUT" && !body.empty()) body[0] = static_cast<char>(body[0] ^ 0xff);
      const auto type = q.get_header_value("Content-Type");
      const auto target = q.target.empty() ? q.path : q.target;
      httplib::Result res = q.method == "GET"    ? upstream_.Get(target, headers)
                            : q.method == "HEAD" ? upstream_.Head(target, headers)
                            : q.method == "DELETE" ? upstream_.Delete(target, headers, body, type)
                            : q.method == "POST" ? upstream_.Post(target, headers, body, type)
                                                 : upstream_.Put(target, headers, body, type);
      if (!res) {
        r.status = 502;
        return;
      }
      r.status = res->status;
      for (const auto& [k, v] : res->headers)
        if (k != "Content-Length" && k != "Transfer-Encoding" && k != "Connection") r.set_header(k, v);
      r.body = res->body;
    };
    server_.Get(".*", forward);
    server_.Put(".*", forward);
    server_.Post(".*", forward);
    server_.Delete(".*", forward);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~CorruptingProxy() {
    server_.stop();
    thread_.join();
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Client upstream_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace spackext::test
