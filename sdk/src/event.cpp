#include "spackext/event.hpp"

#include <cstdio>
#include <ctime>

namespace spackext {

std::string format_timestamp(Clock::time_point t) {
  using namespace std::chrono;
  auto us = duration_cast<microseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long>(us % 1000000));
  return buf;
}

nlohmann::json Event::to_json() const {
  return nlohmann::json{{"time", format_timestamp(time())},
                        {"topic", std::string(topic_)},
                        {"source", std::string(source_)},
                        {"payload", payload_}};
}

}  // namespace spackext
