// Error types shared by the host and plugins. Each carries the exit code the
// CLI returns for it: 2 for bad usage or bad input, 1 for a failure.
#pragma once

#include <stdexcept>
#include <string>

namespace spackext {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, int exit_code = kExitFailure)
      : std::runtime_error(what), exit_code_(exit_code) {}
  int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

// The command line was wrong (unknown option, missing argument).
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& what) : Error(what, kExitUsage) {}
};

// A file or value the user gave is invalid. `where` is "file:line" or a key.
class InputError : public Error {
 public:
  InputError(const std::string& where, const std::string& what)
      : Error(where.empty() ? what : where + ": " + what, kExitUsage) {}
};

// A service was asked for that no installed plugin provides.
class ServiceNotFound : public Error {
 public:
  explicit ServiceNotFound(const std::string& what) : Error(what, kExitFailure) {}
};

}  // namespace spackext
