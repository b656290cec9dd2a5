// Runs a program found on disk (compilers, cmake, sinfo, ...) to read its
// version banner: stdout and stderr together, with a time limit so a hung
// tool cannot stall config generation.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace spackext::config {

struct CapturedOutput {
  int exit_code = -1;
  std::string text;  // stdout and stderr, interleaved
};

// nullopt if the program could not be started or ran past `limit` (then it is killed).
std::optional<CapturedOutput> capture(const std::filesystem::path& program,
                                      const std::vector<std::string>& args,
                                      std::chrono::milliseconds limit = std::chrono::milliseconds(3000));

// The first executable named `name` on `search` (directories), or nullopt.
std::optional<std::filesystem::path> find_executable(const std::string& name,
                                                     const std::vector<std::filesystem::path>& search);
// The directories of $PATH.
std::vector<std::filesystem::path> path_directories();

}  // namespace spackext::config
