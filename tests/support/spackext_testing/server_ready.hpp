// For tests that run a cpp-httplib server on a thread of their own.
#pragma once

#include <chrono>
#include <stdexcept>
#include <thread>

namespace spackext::testing {

// Waits until `server` (an httplib::Server listening on another thread) runs
// its accept loop. httplib's stop() does nothing to a server that has not
// started yet, so a test that stops its server at once (no request made)
// would otherwise leave the loop running and hang in join().
template <class HttplibServer>
void wait_until_running(const HttplibServer& server, std::chrono::seconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!server.is_running()) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("test HTTP server did not start listening");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace spackext::testing
