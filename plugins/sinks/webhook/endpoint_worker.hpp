// One webhook endpoint: a bounded queue filled by the publishing thread and a
// worker thread that POSTs from it. The publisher only takes a mutex and
// moves a string, so a slow or dead endpoint never slows the command; when
// the queue is full the oldest event is dropped (the newest, like
// deploy.finished, say the most) and the drops are counted and reported.
//
// Each attempt is capped by the exit timeout, and once finish() has set the
// deadline by what is left of it, so the command's exit waits at most that
// long whatever the endpoint does (refuses, accepts and never answers, or
// answers 503 forever).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "spackext/http/client.hpp"
#include "webhook_settings.hpp"

namespace spdlog {
class logger;
}

namespace spackext::webhook {

// What is posted: the event as JSON, serialized once.
struct PendingPost {
  std::string topic;
  std::string body;
};

struct DeliveryStats {
  std::uint64_t delivered = 0;
  std::uint64_t rejected = 0;   // 4xx other than 408/429: not retried
  std::uint64_t failed = 0;     // every attempt failed
  std::uint64_t dropped = 0;    // queue full
  std::uint64_t abandoned = 0;  // still pending at the exit deadline
  std::uint64_t attempts = 0;
};

class EndpointWorker {
 public:
  using SteadyClock = std::chrono::steady_clock;

  EndpointWorker(EndpointSettings settings, std::chrono::milliseconds exit_timeout,
                 std::shared_ptr<spdlog::logger> logger);
  ~EndpointWorker();  // finish(now) if finish() was not called
  EndpointWorker(const EndpointWorker&) = delete;
  EndpointWorker& operator=(const EndpointWorker&) = delete;

  const EndpointSettings& settings() const { return settings_; }
  // The first of the endpoint's patterns that matches `topic`, or nullptr.
  const std::string* first_match(std::string_view topic) const;

  void enqueue(PendingPost delivery);
  // Asks the worker to deliver what is queued until `deadline`, then give up.
  void request_finish(SteadyClock::time_point deadline);
  // request_finish() (if not yet), waits for the worker and reports.
  void finish(SteadyClock::time_point deadline);
  DeliveryStats stats() const;

 private:
  void run();
  void deliver(const PendingPost& d);
  // Sleeps until `until`, or less if the exit deadline comes first; false
  // when the deadline has passed.
  bool wait_until(SteadyClock::time_point until);
  bool past_deadline() const;  // mutex held
  std::chrono::milliseconds attempt_timeout();
  void report();

  EndpointSettings settings_;
  std::chrono::milliseconds exit_timeout_;
  std::shared_ptr<spdlog::logger> logger_;
  http::Client client_;
  std::string shown_url_;  // redacted, for messages

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<PendingPost> queue_;
  std::optional<SteadyClock::time_point> deadline_;  // set by request_finish()
  DeliveryStats stats_;
  bool reported_ = false;
  std::thread thread_;
};

}  // namespace spackext::webhook
