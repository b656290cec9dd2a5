// --events FILE: every event on the bus, one JSON object per line. Each line
// goes out in a single write() on an O_APPEND descriptor, so a crash or
// kill -9 never leaves a torn line and concurrent writers interleave whole
// lines.
#pragma once

#include <filesystem>

#include "spackext/bus.hpp"

namespace spackext::core {

class EventLog {
 public:
  // Throws InputError if the file cannot be opened.
  EventLog(Bus& bus, const std::filesystem::path& file);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

 private:
  void write(const Event& e);
  Bus& bus_;
  int fd_ = -1;
  SubscriptionId subscription_ = 0;
};

}  // namespace spackext::core
