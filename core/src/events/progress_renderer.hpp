// Draws progress bars for progress.* events on a terminal: label, bar,
// percentage, done/total, rate and ETA, one line per running task, redrawn
// at most ten times a second. Constructed only when stderr is a TTY and
// output is neither --quiet nor --json, so pipes and logs stay clean.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

#include "spackext/bus.hpp"

namespace spackext::core {

class ProgressRenderer {
 public:
  ProgressRenderer(Bus& bus, std::FILE* out, int width = 0);
  ~ProgressRenderer();
  ProgressRenderer(const ProgressRenderer&) = delete;
  ProgressRenderer& operator=(const ProgressRenderer&) = delete;

  // One line for a task, as drawn (exposed for tests).
  struct Task {
    std::string label, unit;
    std::uint64_t total = 0, done = 0;
    std::chrono::steady_clock::time_point started;
  };
  static std::string format_line(const Task& t, std::chrono::steady_clock::time_point now, int width);

 private:
  void on_event(const Event& e);
  void redraw(bool force);
  Bus& bus_;
  std::FILE* out_;
  int width_;
  std::mutex mutex_;
  std::map<std::string, Task> tasks_;  // by progress id, in start order of ids
  int lines_drawn_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
  SubscriptionId subscription_ = 0;
};

}  // namespace spackext::core
