// Boost.Beast, not cpp-httplib: httplib's server refuses methods outside
// HTTP's core set with a 400, and WebDAV needs PROPFIND and MOVE. One thread
// per client connection, one upstream connection per request: the clients
// are a handful of test processes.
#include "spackext_testing/fault_proxy.hpp"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <limits>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace spackext::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto kNoLimit = std::numeric_limits<std::uint64_t>::max();

// Connection-level headers a proxy does not pass on (RFC 9110 7.6.1), and
// the framing it recomputes.
bool hop_by_hop(http::field f) {
  switch (f) {
    case http::field::connection:
    case http::field::keep_alive:
    case http::field::proxy_connection:
    case http::field::te:
    case http::field::trailer:
    case http::field::transfer_encoding:
    case http::field::upgrade:
    case http::field::content_length:
    case http::field::expect:
      return true;
    default:
      return false;
  }
}

}  // namespace

struct FaultProxy::Impl {
  FaultProxy& counts;
  FaultPlan plan;
  std::mt19937 rng;
  std::mutex rng_mutex;
  net::io_context io;
  tcp::endpoint upstream;
  tcp::acceptor acceptor{io};
  std::thread accept_thread;
  std::mutex connections_mutex;
  std::vector<std::thread> connections;
  std::set<int> open_sockets;  // client sockets, shut down by stop()
  bool stopping = false;
  mutable std::mutex journal_mutex;
  std::string journal;

  Impl(FaultProxy& owner, const std::string& upstream_url, FaultPlan p) : counts(owner), plan(p), rng(p.seed) {
    const std::string prefix = "http://";
    const auto colon = upstream_url.rfind(':');
    if (upstream_url.rfind(prefix, 0) != 0 || colon < prefix.size())
      throw std::invalid_argument("FaultProxy: upstream must be http://HOST:PORT, not " + upstream_url);
    upstream = tcp::endpoint(net::ip::make_address(upstream_url.substr(prefix.size(), colon - prefix.size())),
                             static_cast<unsigned short>(std::stoi(upstream_url.substr(colon + 1))));
    const tcp::endpoint here(net::ip::make_address("127.0.0.1"), 0);
    acceptor.open(here.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(here);
    acceptor.listen();
    accept_thread = std::thread([this] { accept_loop(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(connections_mutex);
      stopping = true;
      // shutdown() wakes a thread blocked in accept()/read() on Linux;
      // close() from another thread would not be safe.
      ::shutdown(acceptor.native_handle(), SHUT_RDWR);
      for (int fd : open_sockets) ::shutdown(fd, SHUT_RDWR);
    }
    accept_thread.join();
    for (auto& t : connections) t.join();
  }

  bool roll(double share) {
    if (share <= 0) return false;
    std::lock_guard lock(rng_mutex);
    return std::uniform_real_distribution<double>(0, 1)(rng) < share;
  }
  std::size_t pick(std::size_t n) {
    std::lock_guard lock(rng_mutex);
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  }

  void note(std::atomic<int>& counter, const char* what, const http::request<http::string_body>& request) {
    ++counter;
    std::lock_guard lock(journal_mutex);
    journal += std::string(what) + " " + std::string(request.method_string()) + " " + std::string(request.target()) + "\n";
  }

  void accept_loop() {
    for (;;) {
      beast::error_code ec;
      tcp::socket client(io);
      acceptor.accept(client, ec);
      std::lock_guard lock(connections_mutex);
      if (stopping) return;
      if (ec) continue;
      open_sockets.insert(client.native_handle());
      connections.emplace_back([this, c = std::move(client)]() mutable { serve(std::move(c)); });
    }
  }

  void serve(tcp::socket client) {
    beast::flat_buffer buffer;
    for (;;) {
      beast::error_code ec;
      http::request_parser<http::string_body> parser;
      parser.body_limit(kNoLimit);
      parser.header_limit(64 * 1024);
      http::read_header(client, buffer, parser, ec);
      if (ec) break;
      // libcurl waits for this before it sends a large body.
      if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> go_on{http::status::continue_, 11};
        http::write(client, go_on, ec);
        if (ec) break;
      }
      http::read(client, buffer, parser, ec);
      if (ec) break;
      auto request = parser.release();
      if (!answer(client, request) || !request.keep_alive()) break;
    }
    std::lock_guard lock(connections_mutex);
    open_sockets.erase(client.native_handle());
    beast::error_code ignored;
    client.shutdown(tcp::socket::shutdown_both, ignored);
    client.close(ignored);
  }

  // Answers one request; false when the connection was dropped on purpose.
  bool answer(tcp::socket& client, http::request<http::string_body>& request) {
    ++counts.requests;
    if (plan.before_forward &&
        !plan.before_forward(std::string(request.method_string()), std::string(request.target())))
      return false;
    const bool head = request.method() == http::verb::head;
    if (roll(plan.server_errors)) {
      note(counts.errors, "503", request);
      return send(client, request, http::status::service_unavailable, {}, "injected 503", head);
    }
    http::request<http::string_body> forward;
    forward.version(11);
    forward.target(request.target());
    if (request.method() == http::verb::unknown)
      forward.method_string(request.method_string());
    else
      forward.method(request.method());
    for (const auto& f : request)
      if (!hop_by_hop(f.name())) forward.insert(f.name_string(), f.value());  // Host included
    forward.body() = std::move(request.body());
    auto& body = forward.body();
    const bool sends_data = request.method() == http::verb::put || request.method() == http::verb::post ||
                            request.method() == http::verb::patch;
    if (!body.empty() && request.method() == http::verb::put && plan.flip_every_put) {
      body[0] = static_cast<char>(body[0] ^ 0xff);
      note(counts.flips, "flipped request body", request);
    } else if (!body.empty() && sends_data && roll(plan.flips)) {
      body[pick(body.size())] ^= 0x01;
      note(counts.flips, "flipped request body", request);
    }
    forward.keep_alive(false);
    forward.prepare_payload();

    beast::error_code ec;
    tcp::socket server(io);
    server.connect(upstream, ec);
    if (!ec) http::write(server, forward, ec);
    http::response_parser<http::string_body> reply;
    reply.body_limit(kNoLimit);
    reply.skip(head);
    beast::flat_buffer server_buffer;
    if (!ec) http::read(server, server_buffer, reply, ec);
    if (ec) return send(client, request, http::status::bad_gateway, {}, "upstream: " + ec.message(), head);
    auto response = reply.release();

    std::string out = std::move(response.body());
    const bool ok = response.result_int() < 300 && !head && !out.empty();
    if (ok && request.method() == http::verb::get && roll(plan.flips)) {
      out[pick(out.size())] ^= 0x01;
      note(counts.flips, "flipped response body", request);
    }
    std::size_t cut = out.size();
    if (ok && roll(plan.resets)) {
      note(counts.resets, "reset", request);
      cut = 0;
    } else if (ok && roll(plan.truncations)) {
      note(counts.truncations, "truncated", request);
      cut = out.size() / 2;
    }
    return send(client, request, response.result(), response.base(), out, head, cut);
  }

  // Writes a response with `fields` (hop-by-hop ones left out) and `body`,
  // declaring its whole length but sending only `cut` bytes of it; a cut
  // response drops the connection. A HEAD answer keeps the server's length.
  bool send(tcp::socket& client, const http::request<http::string_body>& request, http::status status,
            const http::fields& fields, const std::string& body, bool head,
            std::size_t cut = std::numeric_limits<std::size_t>::max()) {
    http::response<http::empty_body> header{status, 11};
    for (const auto& f : fields)
      if (!hop_by_hop(f.name())) header.insert(f.name_string(), f.value());
    if (head) {
      if (fields.count(http::field::content_length)) header.set(http::field::content_length, fields[http::field::content_length]);
    } else if (status != http::status::no_content && status != http::status::not_modified) {
      header.content_length(body.size());
    }
    header.keep_alive(request.keep_alive());
    beast::error_code ec;
    http::response_serializer<http::empty_body> serializer{header};
    http::write_header(client, serializer, ec);
    if (ec || head) return !ec;
    cut = std::min(cut, body.size());
    net::write(client, net::buffer(body.data(), cut), ec);
    return !ec && cut == body.size();
  }
};

FaultProxy::FaultProxy(const std::string& upstream, FaultPlan plan)
    : impl_(std::make_unique<Impl>(*this, upstream, plan)) {}
FaultProxy::~FaultProxy() = default;
int FaultProxy::port() const { return impl_->acceptor.local_endpoint().port(); }
std::string FaultProxy::journal() const {
  std::lock_guard lock(impl_->journal_mutex);
  return impl_->journal;
}

}  // namespace spackext::testing
