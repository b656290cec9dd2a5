// spdlog set-up: every log line goes to stderr (stdout is for results), at a
// level chosen by -v/-q, coloured only on a terminal.
#pragma once

#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "spackext/output.hpp"

namespace spackext::core {

std::shared_ptr<spdlog::logger> make_host_logger(const OutputOptions& output);
// A logger for one plugin, sharing the host's sinks and level.
std::shared_ptr<spdlog::logger> make_plugin_logger(const std::shared_ptr<spdlog::logger>& host,
                                                   const std::string& plugin);

}  // namespace spackext::core
