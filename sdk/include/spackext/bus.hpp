// The event bus. Topics are dot-separated; a subscription pattern may use `*`
// for exactly one segment and a trailing `**` for one or more segments
// ("deploy.*.finished", "mirror.**", "**" for everything).
//
// Delivery is synchronous by default, in subscription order. A slow
// subscriber asks for Delivery::queued and gets its events, in order, on a
// worker thread of its own. A subscriber that throws is logged and skipped;
// the others still get the event.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/event.hpp"

namespace spdlog {
class logger;
}

namespace spackext {

using EventHandler = std::function<void(const Event&)>;
using SubscriptionId = std::uint64_t;

enum class Delivery { sync, queued };

// True if `topic` matches `pattern` under the rules above.
bool topic_matches(std::string_view pattern, std::string_view topic) noexcept;

class Bus {
 public:
  // A topic resolved once and published to many times: publishing through it
  // skips the topic lookup (the hot path of progress events).
  class Topic {
   public:
    Topic() = default;
    const std::string& name() const;

   private:
    friend class Bus;
    struct State;
    explicit Topic(State* s) : state_(s) {}
    State* state_ = nullptr;
  };

  explicit Bus(std::shared_ptr<spdlog::logger> logger = nullptr);
  ~Bus();
  Bus(const Bus&) = delete;
  Bus& operator=(const Bus&) = delete;

  SubscriptionId subscribe(std::string pattern, EventHandler handler,
                           Delivery delivery = Delivery::sync, std::string owner = {});
  void unsubscribe(SubscriptionId id);
  // Drop every subscription a plugin made (before its services are destroyed).
  void unsubscribe_owned_by(std::string_view owner);

  Topic topic(std::string_view name);
  void publish(const Topic& topic, const nlohmann::json& payload, std::string_view source = {});
  void publish(std::string_view topic, const nlohmann::json& payload, std::string_view source = {});
  // Whether anything listens on `topic`: a caller about to publish one event
  // per item of a large listing skips building payloads nobody reads.
  bool has_subscribers(const Topic& topic);

  // Wait until every queued subscriber has handled what was published so far.
  void flush();
  // Flush, stop the queue workers and drop every subscription.
  void close();

  std::uint64_t subscriber_failures() const noexcept { return failures_.load(); }

 private:
  struct Subscriber;
  struct Queue;
  const std::vector<Subscriber*>& subscribers_for(Topic::State& t);
  void deliver(Subscriber& s, const Event& e);

  std::shared_ptr<spdlog::logger> logger_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Subscriber>> subscribers_;  // never shrinks while open
  std::unordered_map<std::string, std::unique_ptr<Topic::State>> topics_;
  std::atomic<std::uint64_t> generation_{1};
  std::atomic<std::uint64_t> failures_{0};
  SubscriptionId next_id_ = 1;
};

}  // namespace spackext
