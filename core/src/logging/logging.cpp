#include "logging/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace spackext::core {

std::shared_ptr<spdlog::logger> make_host_logger(const OutputOptions& output) {
  spdlog::sink_ptr sink;
  if (output.color) {
    auto s = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(spdlog::color_mode::always);
    sink = s;
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }
  auto logger = std::make_shared<spdlog::logger>("spack-ext", sink);
  if (output.verbosity >= 2) {
    logger->set_level(spdlog::level::trace);
  } else if (output.verbosity == 1) {
    logger->set_level(spdlog::level::debug);
  } else if (output.quiet) {
    logger->set_level(spdlog::level::warn);
  } else {
    logger->set_level(spdlog::level::info);
  }
  // Plain for a person; with -v, time and the logger (plugin) name.
  logger->set_pattern(output.verbosity > 0 ? "[%H:%M:%S.%e] [%n] %^%l%$: %v" : "%^%l%$: %v");
  logger->flush_on(spdlog::level::warn);
  return logger;
}

std::shared_ptr<spdlog::logger> make_plugin_logger(const std::shared_ptr<spdlog::logger>& host,
                                                   const std::string& plugin) {
  auto logger = host->clone(plugin);
  return logger;
}

}  // namespace spackext::core
