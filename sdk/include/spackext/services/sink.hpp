// `sink` services: react to events on the bus (logs, webhooks, metrics).
// The host starts every sink named under `sinks:` in the configuration,
// with that sink's section, before a plugin command runs, and stops it when
// the command ends (also when it fails).
// - start() validates the settings (InputError names the key, exit 2) and
//   subscribes. Handlers run on the publisher's thread: a sink that does I/O
//   hands events to its own thread and never blocks the command.
// - stop() unsubscribes and delivers what is pending within the sink's own
//   time limit; it must return within that limit whatever its peers do.
#pragma once

#include <nlohmann/json.hpp>

#include "spackext/bus.hpp"
#include "spackext/service.hpp"

namespace spackext {

class Sink : public Service {
 public:
  static constexpr const char* kKind = "sink";
  virtual void start(Bus& bus, const nlohmann::json& settings) = 0;
  virtual void stop() = 0;
};

}  // namespace spackext
