// Progress reporting through the bus. Long work publishes progress.* events;
// the host's terminal renderer draws bars with rate and ETA (on a TTY only)
// and the --events log records them.
//
//   spackext::Progress p(host.bus(), "sync", "Copying objects", total, "B");
//   p.advance(bytes);   // throttled: at most one event per ~50 ms
//   p.finish();
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "spackext/bus.hpp"

namespace spackext {

class Progress {
 public:
  Progress(Bus& bus, std::string id, std::string label, std::uint64_t total,
           std::string unit = {}, std::string source = {});
  ~Progress();  // finishes if not done
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::uint64_t n = 1);
  void set(std::uint64_t done);
  void finish(bool ok = true);

 private:
  void emit(bool force);
  Bus& bus_;
  Bus::Topic advanced_;  // resolved once: advance() is called in transfer loops
  std::string id_, label_, unit_, source_;
  std::uint64_t total_, done_ = 0;
  std::chrono::steady_clock::time_point last_emit_{};
  bool finished_ = false;
};

}  // namespace spackext
