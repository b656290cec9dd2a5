// An event on the bus: a dot-separated topic ("deploy.stage.finished"), the
// source that published it, a JSON payload and a wall-clock timestamp.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace spackext {

using Clock = std::chrono::system_clock;

// What a subscriber receives. It views the publisher's data, so a subscriber
// that keeps an event copies it with to_owned(). The timestamp is taken the
// first time anyone asks for it (reading the clock costs as much as the rest
// of a synchronous publish), so every subscriber of one publish sees the same.
class Event {
 public:
  Event(std::string_view topic, std::string_view source, const nlohmann::json& payload,
        std::optional<Clock::time_point> time = std::nullopt)
      : topic_(topic), source_(source), payload_(payload), time_(time) {}

  std::string_view topic() const noexcept { return topic_; }
  std::string_view source() const noexcept { return source_; }
  const nlohmann::json& payload() const noexcept { return payload_; }
  Clock::time_point time() const {
    if (!time_) time_ = Clock::now();
    return *time_;
  }
  // {"time": ISO-8601 UTC with microseconds, "topic", "source", "payload"}
  nlohmann::json to_json() const;

 private:
  std::string_view topic_;
  std::string_view source_;
  const nlohmann::json& payload_;
  mutable std::optional<Clock::time_point> time_;
};

// An event that owns its data (queued delivery, tests).
struct OwnedEvent {
  std::string topic;
  std::string source;
  nlohmann::json payload;
  Clock::time_point time;
  Event view() const { return Event(topic, source, payload, time); }
};

std::string format_timestamp(Clock::time_point t);

}  // namespace spackext
